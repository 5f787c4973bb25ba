#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit, HTTP, CLI, end-to-end with the
# real docker-registry and skopeo, the console in headless Chromium, and the compose file check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
echo "== ctest"
(cd build && ctest --output-on-failure -j2 --timeout 600)
echo "== docker-compose config"
docker-compose -f docker-compose.yml config -q
echo "== console (headless chromium)"
# Node.js trusts only its own CA list; let it trust the system's too (a proxy's CA installed there).
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
cd tests/ui
if ! npm ci --no-audit --no-fund --loglevel=error; then
  # Behind a proxy that re-signs TLS with a CA this machine lacks, npm cannot verify the
  # registry. package-lock.json pins every package's sha512, which npm still checks.
  echo "npm ci failed; retrying without TLS verification (package-lock.json integrity still applies)"
  npm ci --no-audit --no-fund --loglevel=error --strict-ssl=false
fi
node console.test.mjs
cd ../..
echo "all tests passed"
