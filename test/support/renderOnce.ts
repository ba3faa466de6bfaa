// Renders a stack with the real `npm run render` code into a private temporary directory, once
// per test process, and reads back what it wrote: the files as the host holds them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "fs";
import * as os from "os";
import * as path from "path";
import { readEnvFileWithBash } from "../../harness/envFile";
import { RawConfig } from "../../lib/settings";
import { HOST_BUNDLE_DIR, readSampleValues, render, SampleValues } from "../../scripts/render";

export interface RenderedFile {
    /** Absolute path on the host. */
    hostPath: string;
    /** Where render wrote it. */
    localPath: string;
    content: Buffer;
    /** Permission bits, e.g. 0o644. */
    mode: number;
}

export interface RenderedStack {
    stack: string;
    dir: string;
    userData: string;
    /** The host bundle's SSM parameter values, in order. */
    bundleChunks: string[];
    /** Keyed by absolute host path. */
    files: Map<string, RenderedFile>;
    sample: SampleValues;
    /** The text of /etc/mlflow/host.env. */
    hostEnvText: string;
    /** host.env as bash reads it. */
    hostEnv: Record<string, string>;
    /** Local path of a host file; throws if render did not write it. */
    local(hostPath: string): string;
    text(hostPath: string): string;
}

const cache = new Map<string, RenderedStack>();
const dirs: string[] = [];
process.on("exit", () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function walk(root: string, dir = root): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? walk(root, full) : [full];
    });
}

/** The settings that make a stack's host stateless (its stores RDS and S3), for renderedStack's `overrides`. */
export const STATELESS_HOST: RawConfig = { backendStore: "rds", artifactStore: "s3" };
/** Auth oidc with a sample provider: people sign in through it, machines with the stack's users. */
export const OIDC_OVERRIDES: RawConfig = { auth: "oidc", oidcIssuerUrl: "https://idp.example.com", oidcClientId: "mlflow", oidcClientSecret: "client-secret-0123456789" };

/** A shipped stack file rendered, with `overrides` on top of its settings. */
export function renderedStack(stack: string, overrides: RawConfig = {}): RenderedStack {
    const key = `${stack} ${JSON.stringify(overrides)}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const dir = mkdtempSync(path.join(os.tmpdir(), `mlflow-rendered-${stack}-`));
    dirs.push(dir);
    render({ stack, out: dir, overrides });
    const filesDir = path.join(dir, "files");
    const files = new Map<string, RenderedFile>();
    for (const localPath of walk(filesDir)) {
        const hostPath = "/" + path.relative(filesDir, localPath).split(path.sep).join("/");
        files.set(hostPath, { hostPath, localPath, content: readFileSync(localPath), mode: statSync(localPath).mode & 0o7777 });
    }
    const local = (hostPath: string) => {
        const file = files.get(hostPath);
        if (!file) throw new Error(`render did not write ${hostPath} for stack ${stack}`);
        return file.localPath;
    };
    const rendered: RenderedStack = {
        stack,
        dir,
        userData: readFileSync(path.join(dir, "user-data"), "utf8"),
        bundleChunks: readdirSync(path.join(dir, HOST_BUNDLE_DIR)).sort((a, b) => Number(a) - Number(b)).map(name => readFileSync(path.join(dir, HOST_BUNDLE_DIR, name), "utf8")),
        files,
        sample: readSampleValues(dir),
        hostEnvText: readFileSync(local("/etc/mlflow/host.env"), "utf8"),
        hostEnv: readEnvFileWithBash(local("/etc/mlflow/host.env")),
        local,
        text: (hostPath: string) => readFileSync(local(hostPath), "utf8"),
    };
    cache.set(key, rendered);
    return rendered;
}
