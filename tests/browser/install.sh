#!/usr/bin/env bash
# install.sh: installs the Node tools of the browser and feed tests (feedparser, html-validate,
# playwright-core) into tests/browser/node_modules from the committed package-lock.json, with the
# node and npm on PATH. playwright-core never downloads a browser: the tests drive the machine's
# /usr/bin/chromium (Debian's package, from scripts/deps). Does nothing when node_modules already
# matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tests/browser/install.sh: '$tool' is not on PATH; install Node.js 20.19+ with npm" \
         "(Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_audit=false npm_config_fund=false \
       npm_config_update_notifier=false

# A copy of the lockfile the tree was installed from: when it equals the lockfile, the tree is
# current.
stamp=node_modules/.gazette-lock
if [ -f package-lock.json ] && [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
cp package-lock.json "$stamp"
