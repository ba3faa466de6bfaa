#!/usr/bin/env python3
# journalctl as mlflow-log-shipper calls it (--follow --no-tail --output=json [--after-cursor=C]),
# reading the entries (JSON lines, each with __CURSOR) from $JOURNAL_FIXTURE: the entries after
# the cursor, then it follows the file for lines appended later. The boot rehearsal runs the real
# journalctl; this one lets a test choose every field and time stamp.
import os
import sys
import time

cursor = next((arg.split("=", 1)[1] for arg in sys.argv[1:] if arg.startswith("--after-cursor=")), None)
with open(sys.argv[0] + ".calls", "a") as calls:
    calls.write(" ".join(sys.argv[1:]) + "\n")
seen = cursor is None
position = 0
while True:
    with open(os.environ["JOURNAL_FIXTURE"], "rb") as fixture:
        fixture.seek(position)
        for line in fixture:
            if not line.endswith(b"\n"):
                break
            position += len(line)
            if seen:
                sys.stdout.buffer.write(line)
            elif f'"__CURSOR": "{cursor}"'.encode() in line or f'"__CURSOR":"{cursor}"'.encode() in line:
                seen = True
        sys.stdout.flush()
    if "--follow" not in sys.argv:
        break
    time.sleep(0.1)
