#!/usr/bin/env bash
# The customer's pages in a real headless Chromium. Installs Debian's chromium (as root) and
# the suite's npm packages when missing, starts the local runner on a free loopback port with
# a throwaway data directory, runs tests/browser with node's test runner and stops the runner.
# Arguments go to `node --test` (e.g. a test file, or --test-name-pattern=forgot).
# Screenshots land in target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing at $chromium: run 'apt-get install chromium' as root (or set CHROMIUM)." >&2
    exit 1
  fi
  echo "Installing Debian's chromium (first run only)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi
export CHROMIUM="$chromium"

command -v node >/dev/null 2>&1 || { echo "The browser tests need Node.js 20 or newer." >&2; exit 1; }
suite=tests/browser
# npm ci leaves node_modules/.package-lock.json behind: older than the lock file means stale.
if [ ! -f "$suite/node_modules/.package-lock.json" ] ||
  [ "$suite/package-lock.json" -nt "$suite/node_modules/.package-lock.json" ] ||
  [ "$suite/package.json" -nt "$suite/node_modules/.package-lock.json" ]; then
  echo "Installing the browser suite's npm packages..."
  (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error)
fi

# PORTAL_LOCAL: a runner binary built elsewhere (several worktrees sharing one target
# directory each copy their own); by default the workspace's, built here.
portal_local=${PORTAL_LOCAL:-}
if [ -z "$portal_local" ]; then
  cargo build --quiet -p portal-infra --bin portal-local
  target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  portal_local="$target_dir/debug/portal-local"
fi

data_dir=$(mktemp -d -t portal-browser.XXXXXX)
log="$data_dir.log"
# Port 0: the runner takes a free port itself and prints the address, so no other process
# can take the port between choosing and binding it.
# A short notice delay, so the files journey sees its batched email without waiting five minutes.
# The feedback digest waits 5 minutes on AWS; here 30 seconds, long enough for the test to
# pin two comments into one digest (the suite reads the same variable to know how long to wait).
export PORTAL_FEEDBACK_DIGEST_SECONDS=${PORTAL_FEEDBACK_DIGEST_SECONDS:-30}
RUST_LOG=warn PORTAL_NOTICE_DELAY_SECS=${PORTAL_NOTICE_DELAY_SECS:-5} "$portal_local" --addr 127.0.0.1:0 --data-dir "$data_dir" >"$log" 2>&1 &
portal_pid=$!
trap 'kill "$portal_pid" 2>/dev/null || true; wait "$portal_pid" 2>/dev/null || true; rm -rf "$data_dir" "$log"' EXIT

base=
for _ in $(seq 1 100); do
  base=$(sed -n 's/^Customer portal listening on \(http:[^ ]*\).*/\1/p' "$log")
  if [ -n "$base" ] && curl -fsS "$base/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$portal_pid" 2>/dev/null; then echo "portal-local failed to start:"; cat "$log"; exit 1; fi
  base=
  sleep 0.1
done
[ -n "$base" ] || { echo "portal-local did not answer"; cat "$log"; exit 1; }

echo "Browser tests against $base (Chromium: $("$CHROMIUM" --version 2>/dev/null))"
status=0
(cd "$suite" && PORTAL_URL="$base" PORTAL_DATA_DIR="$data_dir" node --test --test-concurrency=1 "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "== portal-local's log"
  tail -n 50 "$log"
fi
exit "$status"
