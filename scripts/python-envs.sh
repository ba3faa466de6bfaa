#!/usr/bin/env bash
# Creates one Python virtual environment per requirements/<name>.txt, installed with
# pip --require-hashes (every file pins every package with its hashes), at $PYTHON_ENVS/<name>
# (default: .venv/ in the project). An environment whose requirements file has not changed since
# it was built is kept. Usage: scripts/python-envs.sh [name ...]   (default: every file)
set -euo pipefail
cd "$(dirname "$0")/.."
envs="${PYTHON_ENVS:-$PWD/.venv}"
python="${PYTHON:-python3}"

retry() {
    local attempt
    for attempt in 1 2 3 4 5; do
        "$@" && return 0
        echo "attempt $attempt of '$*' failed; retrying in $((attempt * 10))s" >&2
        sleep $((attempt * 10))
    done
    return 1
}

names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
    shopt -s nullglob
    for file in requirements/*.txt; do names+=("$(basename "$file" .txt)"); done
fi
mkdir -p "$envs"
for name in "${names[@]}"; do
    requirements="requirements/$name.txt"
    [ -f "$requirements" ] || { echo "no $requirements" >&2; exit 1; }
    dir="$envs/$name"
    stamp="$dir/.requirements.sha256"
    want=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        echo "python environment $name is up to date"
        continue
    fi
    rm -rf "$dir"
    "$python" -m venv "$dir"
    retry "$dir/bin/pip" install --quiet --disable-pip-version-check --no-input \
        --require-hashes --only-binary=:all: -r "$requirements"
    echo "$want" >"$stamp"
    echo "python environment $name: $("$dir/bin/python" --version) at $dir"
done
