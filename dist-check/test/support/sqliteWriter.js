"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WRITER_SCHEMA = void 0;
// A stand-in for MLflow writing to its SQLite database: for a bounded time, small transactions
// with a short pause between them, each inserting a row into `t` and counting it in `c.n`, so a
// consistent copy always has count(t) = c.n.
// Usage: node sqliteWriter.js <database> <seconds>; prints the number of transactions.
const node_sqlite_1 = require("node:sqlite");
exports.WRITER_SCHEMA = "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB); CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (0);";
function main([database, seconds]) {
    if (!database || !seconds)
        throw new Error("usage: sqliteWriter.js <database> <seconds>");
    const db = new node_sqlite_1.DatabaseSync(database);
    db.exec("PRAGMA busy_timeout = 10000");
    const insert = db.prepare("INSERT INTO t(v) VALUES (randomblob(200))");
    const count = db.prepare("UPDATE c SET n = n + 1");
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const end = Date.now() + Number(seconds) * 1000;
    let transactions = 0;
    while (Date.now() < end) {
        db.exec("BEGIN IMMEDIATE");
        insert.run();
        count.run();
        db.exec("COMMIT");
        transactions++;
        Atomics.wait(pause, 0, 0, 1);
    }
    db.close();
    console.log(transactions);
}
if (require.main === module)
    main(process.argv.slice(2));
//# sourceMappingURL=sqliteWriter.js.map