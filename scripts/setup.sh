#!/usr/bin/env bash
# Create the virtualenv and install the kit, its test tools and the hub's proxy. Idempotent.
set -euo pipefail
venv="${1:-.venv}"
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "python3 est introuvable : installez Python 3.11." >&2; exit 1; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# torch==2.13.0 is pinned in pyproject.toml: it resolves to the CPU wheel, never a CUDA build.
"$venv/bin/python" -m pip install -q -e '.[test]'
if [ -f package.json ]; then
  command -v npm >/dev/null || bash scripts/system-deps.sh node
  npm install --no-audit --no-fund --loglevel=error
fi
