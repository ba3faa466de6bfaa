"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AWS_RULES = void 0;
const containers_1 = require("./containers");
const ec2_1 = require("./ec2");
const identity_1 = require("./identity");
const outsideAws_1 = require("./outsideAws");
const stores_1 = require("./stores");
exports.AWS_RULES = {
    ...ec2_1.EC2_RULES,
    ...identity_1.IDENTITY_RULES,
    ...stores_1.STORES_RULES,
    ...containers_1.CONTAINERS_RULES,
    ...outsideAws_1.OUTSIDE_AWS_RULES,
};
//# sourceMappingURL=index.js.map