// The tests run on a Node version the project declares: npm scripts take Node 22 from the
// `node` dev dependency, whatever the machine's own Node is.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { projectRoot } from "../lib/projectRoot";

test("this test runs on a Node version that package.json's engines accept", () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as {
        engines: { node: string };
        devDependencies: Record<string, string>;
    };
    const minimum = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    assert.ok(minimum >= 22, `engines.node ${pkg.engines.node}: the Pulumi SDK needs 22 or later`);
    assert.ok(Number(process.versions.node.split(".")[0]) >= minimum, `running on Node ${process.versions.node}`);
    assert.equal(pkg.devDependencies.node.split(".")[0], String(minimum), "the pinned Node binary is of the declared major version");
});
