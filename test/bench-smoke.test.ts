// `npm run bench` in smoke mode (1 round of 1 s, a 64 MiB artifact) as a child process, the way a
// developer runs it: it must exit 0 and write a results file with numbers in every row, so the
// benchmark cannot rot between full runs. Needs what the proxy end-to-end tests need (root, the
// nginx root, wrk, curl).
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";

/** The cells of the markdown table row whose first cell starts with `label`. */
function row(markdown: string, label: string): string[] {
    const line = markdown.split("\n").find(l => l.startsWith(`| ${label}`));
    assert.ok(line, `no row "${label}" in:\n${markdown}`);
    return line.split("|").slice(1, -1).map(cell => cell.trim());
}

const number = /^[\d,]+(\.\d+)?$/;

test("npm run bench -- --smoke runs every variant and writes a row of numbers for each", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-smoke-test-"));
    try {
        const out = path.join(dir, "benchmarks.md");
        const result = spawnSync(process.execPath, [path.join(projectRoot(), "dist", "bench", "run.js"), "--smoke", "--out", out],
            { encoding: "utf8", timeout: 55_000 });
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.status, 0, `exit ${result.status ?? result.signal}:\n${output}`);
        const doc = readFileSync(out, "utf8");

        // 1. Small requests: requests/s, p50, p99 for (a)-(e).
        for (const id of ["a", "b", "c", "d", "e"]) {
            const [, rps, p50, p99] = row(doc, `(${id})`);
            for (const [what, value] of [["requests/s", rps], ["p50", p50], ["p99", p99]]) {
                assert.match(value, number, `(${id}) ${what}: ${value}`);
                assert.ok(Number(value.replace(/,/g, "")) > 0, `(${id}) ${what} is ${value}`);
            }
        }
        // 2. Page loads for (b), (c), (d): the second table's rows start like the first's, so find them after its heading.
        const pages = doc.slice(doc.indexOf("## 2. UI page load"), doc.indexOf("## 3. Artifacts"));
        for (const id of ["b", "c", "d"]) {
            const [, count, handshake, requestP50, requestP99, pageP50, pageP99] = row(pages, `(${id})`);
            for (const value of [count, handshake, requestP50, requestP99, pageP50, pageP99]) assert.match(value, number, `page (${id}): ${value}`);
        }
        // 3. Artifacts: both directions, directly and through nginx, intact.
        for (const direction of ["upload", "download"]) {
            for (const via of ["directly", "through nginx"]) {
                const [, mbPerSecond, , , , , , sha256] = row(doc, `${direction} ${via}`);
                assert.match(mbPerSecond, number, `${direction} ${via}: ${mbPerSecond}`);
                assert.equal(sha256, "equal", `${direction} ${via}`);
            }
            const [, , , , , growth, tempFiles] = row(doc, `${direction} through nginx`);
            assert.match(growth, number, `${direction}: nginx memory growth ${growth}`);
            assert.equal(tempFiles, "0", `${direction}: nginx temporary files`);
        }
        // ... and MLflow's own download (the UI's file viewer), passed on by nginx.
        const [, proxied, , , , growth, tempFiles, sha256] = row(doc, "download from MLflow through nginx");
        assert.match(proxied, number, `download from MLflow: ${proxied}`);
        assert.match(growth, number, `download from MLflow: nginx memory growth ${growth}`);
        assert.deepEqual([tempFiles, sha256], ["0", "equal"], "download from MLflow: temporary files, integrity");
        assert.match(doc, /\| every variant ran and produced numbers \| all rows filled \| PASS \|/);
        assert.match(output, /PASS {2}artifacts arrive intact/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
