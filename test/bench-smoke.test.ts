// `npm run bench` in smoke mode (1 round of 2 s, MLflow as rendered at 1 and 10 training clients,
// 200 runs to search, a 32 MiB artifact), and `npm run bench:team-access` in its own, as child processes, the way a developer runs it: it must
// exit 0 and write a results file with sane numbers in every row, so the benchmark cannot rot
// between full runs. No speed is checked. Needs what the real-MLflow end-to-end tests need (root,
// the nginx root, the Python environments, wrk, curl, Chromium).
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";

/** The cells of the markdown table row whose first cells start with `label`, in `markdown` after `heading`. */
function row(markdown: string, heading: string, label: string): string[] {
    const section = markdown.slice(markdown.indexOf(heading));
    const line = section.split("\n").find(l => l.startsWith(`| ${label}`));
    assert.ok(line, `no row "${label}" after "${heading}" in:\n${markdown}`);
    return line.split("|").slice(1, -1).map(cell => cell.trim());
}

const positive = (what: string, value: string) => {
    assert.match(value, /^[\d,]+(\.\d+)?$/, `${what}: ${value}`);
    assert.ok(Number(value.replace(/,/g, "")) > 0, `${what} is ${value}`);
};

test("npm run bench -- --smoke runs every part against the real MLflow and writes sane numbers", { timeout: 150_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-smoke-test-"));
    try {
        const out = path.join(dir, "benchmarks.md");
        const result = spawnSync(process.execPath, [path.join(projectRoot(), "dist", "bench", "run.js"), "--smoke", "--out", out],
            { encoding: "utf8", timeout: 145_000 });
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.status, 0, `exit ${result.status ?? result.signal}:\n${output}`);
        const doc = readFileSync(out, "utf8");

        // 1. Training clients through nginx to MLflow as rendered: latencies, no failed call, one step a second each.
        for (const clients of ["1", "10"]) {
            const [, , p50, p99, , , failed, steps] = row(doc, "| MLflow | clients |", `as rendered | ${clients} |`);
            positive(`${clients} clients p50`, p50);
            positive(`${clients} clients p99`, p99);
            assert.ok(Number(p50) <= Number(p99.replace(/,/g, "")), `${clients} clients: p50 ${p50} above p99 ${p99}`);
            assert.match(failed, /^0 \/ [\d,]+$/, `${clients} clients failed calls`);
            assert.ok(Math.abs(Number(steps) - Number(clients)) <= Number(clients) * 0.5 + 1, `${clients} clients logged ${steps} steps/s`);
        }
        const [, , restPss] = row(doc, "## 6.", "as rendered");
        positive("MLflow's PSS at rest (MiB)", restPss);
        // 2. The closed loop, straight and through nginx.
        for (const label of ["MLflow directly", "through nginx as rendered"]) positive(`closed loop ${label}`, row(doc, "## 2.", label)[1]);
        // 3. search_runs found every seeded run; the UI's pages loaded, static files included.
        assert.equal(row(doc, "## 3.", "all runs")[1], "200");
        for (const page of ["the experiment's page", "a run's page"]) {
            const [, , shown, requests, mib, staticMib] = row(doc, "## 3.", page);
            for (const [what, value] of [["shown after", shown], ["requests", requests], ["MiB", mib], ["static MiB", staticMib]]) positive(`${page} ${what}`, value);
        }
        // 4. Artifacts: both directions, straight and through nginx, and MLflow's own download through nginx, intact, no temporary files.
        for (const label of ["upload straight", "upload through nginx", "download straight", "download through nginx", "download from MLflow through nginx"]) {
            const cells = row(doc, "## 4.", label);
            positive(`${label} MB/s`, cells[1]);
            assert.equal(cells[7], "equal", `${label} sha256`);
            if (label.includes("nginx")) assert.equal(cells[6], "0", `${label}: nginx temporary files`);
        }
        // 5. nginx's own path with every hash scheme.
        for (const label of ["no auth", "as rendered ({SSHA})", "the seed's $apr1$", "bcrypt cost 10"]) positive(`nginx ${label}`, row(doc, "## 5.", label)[1]);
        assert.match(doc, /\| every part ran and produced numbers \| all rows filled \| PASS \|/);
        assert.match(output, /PASS {2}artifacts arrive intact/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("npm run bench:team-access -- --smoke measures every auth mode (with oidc a person and a machine) against the real MLflow and writes sane numbers", { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-team-access-smoke-"));
    try {
        const out = path.join(dir, "benchmarks-team-access.md");
        const result = spawnSync(process.execPath, [path.join(projectRoot(), "dist", "bench", "teamAccess.js"), "--smoke", "--out", out],
            { encoding: "utf8", timeout: 295_000 });
        assert.equal(result.status, 0, `exit ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
        const doc = readFileSync(out, "utf8");
        for (const label of ["runs/get", "the same: MLflow's CPU per call", "a 64 KiB artifact", "a 8 MiB artifact"]) {
            const [, basic, mlflow, person, machine] = row(doc, "| measured |", label);
            positive(`${label} with basic auth`, basic.split(" ")[0]);
            positive(`${label} with auth mlflow`, mlflow.split(" ")[0]);
            positive(`${label} with auth oidc, a person`, person.split(" ")[0]);
            positive(`${label} with auth oidc, a machine`, machine.split(" ")[0]);
        }
        positive("a download straight from MLflow", row(doc, "| measured |", "the same straight from MLflow")[2].split(" ")[0]);
        assert.match(doc, /- Errors: 0 failed calls in all rounds\./);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
