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
exports.readStackFile = readStackFile;
exports.toRawConfig = toRawConfig;
// Reading stack configuration outside the Pulumi engine (npm run render, the benchmark): the
// same keys, the same validation, from Pulumi.<stack>.yaml.
const fs_1 = require("fs");
const path = __importStar(require("path"));
const yaml_1 = require("yaml");
const projectRoot_1 = require("./projectRoot");
const settings_1 = require("./settings");
function readStackFile(stack, root = (0, projectRoot_1.projectRoot)()) {
    const project = (0, yaml_1.parse)((0, fs_1.readFileSync)(path.join(root, "Pulumi.yaml"), "utf8")).name;
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    let doc;
    try {
        doc = (0, yaml_1.parse)((0, fs_1.readFileSync)(file, "utf8")) ?? {};
    }
    catch (error) {
        throw new Error(`cannot read the stack file ${file}: ${error.message}`);
    }
    const config = doc.config ?? {};
    const region = config["aws:region"];
    return { project, raw: toRawConfig(project, config, file), region: region === undefined ? undefined : String(region) };
}
/**
 * The project's keys out of a whole configuration (Pulumi's, or a stack file's). An unknown key
 * is an error: a typo would otherwise silently leave a setting at its default.
 */
function toRawConfig(project, config, source) {
    const raw = {};
    for (const [key, value] of Object.entries(config)) {
        const [namespace, name] = key.includes(":") ? key.split(":", 2) : [project, key];
        if (namespace !== project)
            continue;
        if (!(name in settings_1.DEFAULTS)) {
            throw new settings_1.SettingsError([`${key} (in ${source}) is not a setting of this project; known: ${Object.keys(settings_1.DEFAULTS).join(", ")}`]);
        }
        raw[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}
//# sourceMappingURL=stackConfig.js.map