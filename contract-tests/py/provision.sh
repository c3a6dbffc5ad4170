#!/usr/bin/env bash
# Installs the Python MCP SDK (`mcp`, exact versions from requirements.txt) into contract-tests/py/.venv and tells
# the Java side which python to run. Called by .ci/run before the build and by Maven (exec-maven-plugin) in
# generate-test-resources; a second call with the same requirements.txt does nothing (its hash is kept in the venv).
#   Index: a local PyPI mirror when the machine has one (file:///opt/pypi/simple), otherwise pip's default index (PIP_INDEX_URL etc. are honoured). Any failure exits non-zero with the reason:
#   the Python contract tests never skip silently.
#   Output: $1 (a file, optional) receives the absolute path of the venv's python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-}"
venv="$here/.venv"
python_bin="$venv/bin/python"

fail() { echo "contract-tests/py: $*" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || fail "python3 is not on PATH. Install Python >= 3.10 with venv (Debian: apt-get install python3 python3-venv)."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "python3 is $(python3 --version 2>&1); the MCP SDK needs >= 3.10."

stamp="$venv/.contract-tests-requirements.sha256"
req_hash="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ -x "$python_bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$req_hash" ]; then
  echo "contract-tests/py: .venv already installed from this requirements.txt; $("$python_bin" --version)" >&2
else
  start=$(date +%s%N)
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)."
  index=()
  mirror_env=()
  if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then
    index=(--index-url file:///opt/pypi/simple)
    # The mirror alone: the machine's pip.conf may add extra indexes that lack these packages (one warning each).
    mirror_env=(PIP_CONFIG_FILE=/dev/null)
  fi
  # A mirror that lacks a pinned version falls back to the default index once before giving up.
  if ! env "${mirror_env[@]}" "$python_bin" -m pip install -q --disable-pip-version-check --no-input "${index[@]}" -r "$here/requirements.txt" >&2; then
    [ ${#index[@]} -gt 0 ] || fail "pip could not install requirements.txt"
    echo "contract-tests/py: the local mirror could not serve requirements.txt; trying the default index" >&2
    "$python_bin" -m pip install -q --disable-pip-version-check --no-input -r "$here/requirements.txt" >&2 \
      || fail "pip could not install requirements.txt (local mirror, then default index)"
  fi
  "$python_bin" -c 'from mcp import Client' || fail "the MCP SDK does not import under $python_bin"
  printf '%s\n' "$req_hash" > "$stamp"
  echo "contract-tests/py: pip install took $(( ($(date +%s%N) - start) / 1000000 )) ms; $("$python_bin" --version)" >&2
fi
"$python_bin" -c 'import importlib.metadata as m, sys; sys.exit(0 if m.version("mcp") == "2.3.0" else 3)' \
  || fail "$venv does not hold mcp 2.3.0"

if [ -n "$out" ]; then
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$python_bin" > "$out"
fi
