"""Fills an experiment up to COUNT runs by copying its runs inside the database.

  python clone_runs.py DB_FILE EXPERIMENT_ID COUNT

The runs the benchmark made through MLflow's REST API are the templates: each copy is a run of
the same experiment with every row of the template (runs, tags, params, metrics, latest_metrics)
under a new run id, the name seed-NNNNN, its own artifact URI and an earlier start time, in one
transaction (MLflow may keep running; SQLite's lock keeps it out meanwhile). Seeding 10,000 runs
through the REST API would take longer here than the benchmark measures.
"""
import sqlite3
import sys
import uuid

CHILDREN = ["tags", "params", "metrics", "latest_metrics"]


def main(db_file, experiment_id, count):
    db = sqlite3.connect(db_file, timeout=60)
    columns = [d[0] for d in db.execute("SELECT * FROM runs LIMIT 0").description]
    templates = db.execute("SELECT * FROM runs WHERE experiment_id = ? ORDER BY start_time", (experiment_id,)).fetchall()
    if not templates:
        sys.exit(f"experiment {experiment_id} has no runs to copy")
    children = {t: [d[0] for d in db.execute(f"SELECT * FROM {t} LIMIT 0").description] for t in CHILDREN}
    rows = {t: {} for t in CHILDREN}
    for template in templates:
        run_id = template[columns.index("run_uuid")]
        for t in CHILDREN:
            rows[t][run_id] = db.execute(f"SELECT * FROM {t} WHERE run_uuid = ?", (run_id,)).fetchall()
    oldest = min(r[columns.index("start_time")] for r in templates)
    with db:
        for i in range(len(templates), count):
            template = dict(zip(columns, templates[i % len(templates)]))
            new_id, name = uuid.uuid4().hex, f"seed-{i:05d}"
            old_id = template["run_uuid"]
            run = {**template, "run_uuid": new_id, "name": name, "artifact_uri": template["artifact_uri"].replace(old_id, new_id),
                   "start_time": oldest - i * 1000, "end_time": None}
            db.execute(f"INSERT INTO runs ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})", [run[c] for c in columns])
            for t in CHILDREN:
                cols = children[t]
                for row in rows[t][old_id]:
                    values = dict(zip(cols, row), run_uuid=new_id)
                    if t == "tags" and values["key"] == "mlflow.runName":
                        values["value"] = name
                    db.execute(f"INSERT INTO {t} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", [values[c] for c in cols])
    print(db.execute("SELECT count(*) FROM runs WHERE experiment_id = ?", (experiment_id,)).fetchone()[0])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
