#!/usr/bin/env bash
# Runs every test. Installs moto's server into .venv when `moto_server` is not on PATH,
# starts it on a free loopback port, runs the workspace's tests against it, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v moto_server >/dev/null 2>&1; then
  if [ ! -x .venv/bin/moto_server ]; then
    echo "Installing moto's server into .venv (first run only)..."
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]>=5.1,<6"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t moto.XXXXXX.log)
moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then echo "moto_server failed to start:"; cat "$log"; exit 1; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null || { echo "moto_server did not answer on port $port"; cat "$log"; exit 1; }

export MOTO_ENDPOINT="http://127.0.0.1:$port"
echo "moto's server is at $MOTO_ENDPOINT"
cargo test --workspace --all-targets --no-fail-fast "$@"
infra/browser-test.sh
