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
exports.pythonEnvDir = pythonEnvDir;
exports.pythonEnvBin = pythonEnvBin;
// The Python virtual environments that scripts/python-envs.sh builds from requirements/<name>.txt.
const fs_1 = require("fs");
const path = __importStar(require("path"));
const projectRoot_1 = require("../lib/projectRoot");
/** The directory of an environment; PYTHON_ENVS moves all of them, as in scripts/python-envs.sh. */
function pythonEnvDir(name) {
    return path.join(process.env.PYTHON_ENVS ?? path.join((0, projectRoot_1.projectRoot)(), ".venv"), name);
}
/** An executable of an environment (python, mlflow, moto_server, ...); throws with the command that builds it when absent. */
function pythonEnvBin(name, program = "python") {
    const file = path.join(pythonEnvDir(name), "bin", program);
    if (!(0, fs_1.existsSync)(file)) {
        throw new Error(`${file} is missing: build the environment with \`scripts/python-envs.sh ${name}\` (.ci/run does)`);
    }
    return file;
}
//# sourceMappingURL=pythonEnv.js.map