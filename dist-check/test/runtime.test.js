"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The tests run on a Node version the project declares: npm scripts take Node 22 from the
// `node` dev dependency, whatever the machine's own Node is.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const projectRoot_1 = require("../lib/projectRoot");
(0, node_test_1.test)("this test runs on a Node version that package.json's engines accept", () => {
    const pkg = JSON.parse((0, node_fs_1.readFileSync)(path.join((0, projectRoot_1.projectRoot)(), "package.json"), "utf8"));
    const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    strict_1.default.ok(minimum >= 22, `engines.node ${pkg.engines.node}: the Pulumi SDK needs 22 or later`);
    strict_1.default.ok(Number(process.versions.node.split(".")[0]) >= minimum, `running on Node ${process.versions.node}`);
    strict_1.default.equal(pkg.devDependencies.node.split(".")[0], String(minimum), "the pinned Node binary is of the declared major version");
});
//# sourceMappingURL=runtime.test.js.map