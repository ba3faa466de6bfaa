// RDS as a stateless host sees it, for real where this machine allows: Debian 13's PostgreSQL 17
// at the rendered database name (through /etc/hosts, in the test's namespace), TLS only, with a
// certificate for that name from a test CA, whose certificate takes the place of Amazon's bundle.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { issueCertificate } from "../../lib/sampleTls";
import { run } from "../../harness/namespace";
import { Postgres } from "../../harness/postgres";

export interface RdsStandIn {
    postgres: Postgres;
    /** The test CA's certificate, in place of the RDS CA bundle the host holds. */
    caBundle: string;
}

/** PostgreSQL at `address`, answering as host.env's DATABASE_HOST with its user, database and `password`. */
export async function startRdsStandIn(hostEnv: Record<string, string>, address: string, password: string, work: string): Promise<RdsStandIn> {
    const hosts = path.join(work, "hosts");
    writeFileSync(hosts, `127.0.0.1 localhost\n${address} ${hostEnv.DATABASE_HOST}\n`);
    const bound = await run("mount", ["--bind", hosts, "/etc/hosts"]);
    assert.equal(bound.code, 0, bound.stderr);
    const tlsDir = path.join(work, "db-tls");
    mkdirSync(tlsDir);
    const tls = issueCertificate(tlsDir, "RDS stand-in CA", [hostEnv.DATABASE_HOST]);
    const postgres = await Postgres.start({
        address, certPem: tls.certPem, keyPem: tls.keyPem, database: hostEnv.DATABASE_NAME, user: hostEnv.DATABASE_USER, password,
    });
    const caBundle = path.join(work, "rds-ca.pem");
    writeFileSync(caBundle, tls.caPem);
    return { postgres, caBundle };
}
