// What a host of a program run under mocks would hold: the user data's cloud-config and the
// files mlflow-install-bundle writes from the host bundle's SSM parameters, decoded as the host
// decodes them and checked against the SHA-256 the user data carries.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { ProgramRun } from "./pulumiProgram";

export interface DeliveredHost {
    cloudConfig: string;
    config: { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][]; packages: unknown[] };
    /** Every file the host gets, by path: the user data's and the bundle's. */
    files: Map<string, { content: string; mode: string }>;
    file(path: string): string | undefined;
}

export function deliveredHost(run: ProgramRun): DeliveredHost {
    const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64 as string;
    const cloudConfig = gunzipSync(Buffer.from(userData, "base64")).toString("utf8");
    const config = parse(cloudConfig) as DeliveredHost["config"];
    const [, , prefix, count, sha256] = config.runcmd[0];
    const values = new Map(run.ofType("aws:ssm/parameter:Parameter").map(p => [p.inputs.name as string, p.inputs.value as string]));
    const chunks = Array.from({ length: Number(count) }, (_, index) => values.get(`${prefix}/${index}`));
    assert.ok(chunks.every(chunk => chunk !== undefined), `the bundle's ${count} parameters under ${prefix}`);
    const bundle = Buffer.from(chunks.join(""), "base64");
    assert.equal(createHash("sha256").update(bundle).digest("hex"), sha256, "the bundle is what the user data's checksum says");
    const files = new Map<string, { content: string; mode: string }>();
    for (const entry of config.write_files) files.set(entry.path, { content: entry.content, mode: entry.permissions });
    for (const entry of JSON.parse(gunzipSync(bundle).toString("utf8")) as Array<{ path: string; content: string; mode: string }>) {
        assert.ok(!files.has(entry.path), `${entry.path} is delivered twice`);
        files.set(entry.path, { content: entry.content, mode: entry.mode });
    }
    return { cloudConfig, config, files, file: path => files.get(path)?.content };
}
