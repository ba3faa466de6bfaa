// Reading stack configuration outside the Pulumi engine (npm run render, the benchmark): the
// same keys, the same validation, from Pulumi.<stack>.yaml.
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { projectRoot } from "./projectRoot";
import { DEFAULTS, RawConfig, SECRET_SETTINGS, SettingKey, SettingsError } from "./settings";

export interface StackFile {
    project: string;
    raw: RawConfig;
    /** aws:region, when the stack file sets it. */
    region?: string;
}

export function readStackFile(stack: string, root = projectRoot()): StackFile {
    const project = (parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    let doc: { config?: Record<string, unknown> };
    try {
        doc = parse(readFileSync(file, "utf8")) ?? {};
    } catch (error) {
        throw new Error(`cannot read the stack file ${file}: ${(error as Error).message}`);
    }
    const config = doc.config ?? {};
    const region = config["aws:region"];
    return { project, raw: toRawConfig(project, config, file), region: region === undefined ? undefined : String(region) };
}

/**
 * The project's keys out of a whole configuration (Pulumi's, or a stack file's). An unknown key
 * is an error: a typo would otherwise silently leave a setting at its default.
 */
export function toRawConfig(project: string, config: Record<string, unknown>, source: string): RawConfig {
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(config)) {
        const [namespace, name] = key.includes(":") ? key.split(":", 2) : [project, key];
        if (namespace !== project) continue;
        if (!(name in DEFAULTS) && !(SECRET_SETTINGS as readonly string[]).includes(name)) {
            throw new SettingsError([`${key} (in ${source}) is not a setting of this project; known: ${[...Object.keys(DEFAULTS), ...SECRET_SETTINGS].join(", ")}`]);
        }
        raw[name as SettingKey] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}
