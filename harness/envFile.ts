// The host's KEY=value files (host.env), read as the host scripts read them.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";

/** Reads a KEY=value file with bash itself, the way the host scripts do (`source`). */
export function readEnvFileWithBash(file: string): Record<string, string> {
    const text = readFileSync(file, "utf8");
    const keys = [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map(match => match[1]);
    const result = spawnSync("/bin/bash", ["-c", 'set -eu; source "$1"; shift; for key; do printf "%s\\0%s\\0" "$key" "${!key}"; done', "_", file, ...keys],
        { encoding: "utf8", env: {} });
    if (result.status !== 0) throw new Error(`bash could not read ${file}: ${result.stderr}`);
    const parts = result.stdout.split("\0");
    const values: Record<string, string> = {};
    for (let i = 0; i + 1 < parts.length; i += 2) values[parts[i]] = parts[i + 1];
    return values;
}
