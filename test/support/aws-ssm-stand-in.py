#!/usr/bin/env python3
# `aws ssm get-parameters --region R --output json --names N...` as mlflow-install-bundle calls it,
# answered from files: $SSM_PARAMETERS_DIR/<index> holds the value of <prefix>/<index>. The boot
# rehearsal runs the real AWS CLI against moto instead.
import json
import os
import sys

names = sys.argv[sys.argv.index("--names") + 1:]
found, missing = [], []
for name in names:
    file = os.path.join(os.environ["SSM_PARAMETERS_DIR"], name.rsplit("/", 1)[1])
    if os.path.exists(file):
        with open(file) as value:
            found.append({"Name": name, "Type": "String", "Value": value.read(), "Version": 1})
    else:
        missing.append(name)
print(json.dumps({"Parameters": found, "InvalidParameters": missing}))
