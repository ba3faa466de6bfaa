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
Object.defineProperty(exports, "__esModule", { value: true });
exports.TIER_COMPONENT_TYPES = void 0;
exports.fromOtherTier = fromOtherTier;
const pulumi = __importStar(require("@pulumi/pulumi"));
/** The type tokens of the AWS tiers' top components (part of every child's URN). */
exports.TIER_COMPONENT_TYPES = {
    ec2: "mlflow-on-aws:index:MlflowOnAws",
    fargate: "mlflow-on-aws:index:MlflowOnFargate",
};
/**
 * The same child under the other AWS tier's top component: moving a stack between the tiers then
 * keeps it and its children (the generated passwords) instead of replacing them.
 */
function fromOtherTier(name, otherTier) {
    return [{ parent: pulumi.createUrn(name, exports.TIER_COMPONENT_TYPES[otherTier]) }];
}
//# sourceMappingURL=deployment.js.map