"""Hands user data to cloud-init's own code, as an instance receives it, and lets its write_files
module write the files under a temporary root instead of /.

Usage: python3 cloudInitWriteFiles.py <user data as sent (gzip)> <root dir>
Prints a JSON object: the content types cloud-init found, the cloud-config text it decoded, and
the paths its write_files module wrote (as on the host).
Runs with the Python that cloud-init itself runs on (the shebang of the cloud-init command).
"""
import json
import os
import sys

from cloudinit import helpers, user_data, util
from cloudinit.config import cc_write_files


def main(user_data_file, root):
    with open(user_data_file, "rb") as handle:
        blob = handle.read()
    message = user_data.UserDataProcessor(helpers.Paths({})).process(blob)
    parts = [part for part in message.walk() if part.get_content_maintype() != "multipart"]
    payload = parts[0].get_payload(decode=True) if len(parts) == 1 else b""
    config = util.load_yaml(payload) if payload else None
    written = []
    if isinstance(config, dict):
        entries = config.get("write_files") or []
        rerooted = []
        for entry in entries:
            entry = dict(entry)
            written.append(entry["path"])
            entry["path"] = os.path.join(root, entry["path"].lstrip("/"))
            rerooted.append(entry)
        cc_write_files.write_files("write_files", rerooted, "root:root")
    json.dump({
        "contentTypes": [part.get_content_type() for part in parts],
        "cloudConfig": payload.decode("utf-8"),
        "written": written,
    }, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
