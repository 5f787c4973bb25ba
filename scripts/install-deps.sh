#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages reghook needs that are missing.
#   scripts/install-deps.sh          build + run (quick start)
#   scripts/install-deps.sh --test   also what the tests use (registry, skopeo, chromium, node)
set -euo pipefail
packages=(build-essential cmake pkg-config libpoco-dev libleveldb-dev libsnappy-dev libssl-dev
          ca-certificates curl python3 docker-registry skopeo)
if [ "${1:-}" = "--test" ]; then
  packages+=(googletest libgtest-dev docker-compose chromium wrk)
  # Node.js for the console tests: Debian's, unless this machine already has node and npm.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
