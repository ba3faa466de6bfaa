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
exports.stackTags = exports.stackTagValue = exports.STACK_TAG = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
/** Every resource of a stack carries this tag, with stackTagValue() as its value; look-ups find a stack's resources by it. */
exports.STACK_TAG = "mlflow-on-aws:stack";
const stackTagValue = () => `${pulumi.getProject()}-${pulumi.getStack()}`;
exports.stackTagValue = stackTagValue;
/** The tags of every resource of this stack. */
const stackTags = () => ({ [exports.STACK_TAG]: (0, exports.stackTagValue)() });
exports.stackTags = stackTags;
//# sourceMappingURL=tags.js.map