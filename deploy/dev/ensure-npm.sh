#!/usr/bin/env bash
# The console's front-end packages (Chart.js) come from the npm registry: install npm from Debian if missing.
set -euo pipefail
command -v npm >/dev/null && exit 0
echo "installing Debian packages: nodejs npm"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
