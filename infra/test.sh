#!/usr/bin/env bash
# Runs every test. Installs moto's server and schemathesis into .venv when they are missing,
# starts moto on a free loopback port, runs the workspace's tests against it, then runs
# schemathesis against the local runner (openapi.json against what the portal answers), and
# stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

venv_install() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "$@"
}

if ! command -v moto_server >/dev/null 2>&1; then
  if [ ! -x .venv/bin/moto_server ]; then
    echo "Installing moto's server into .venv (first run only)..."
    venv_install "moto[server]>=5.1,<6"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
fi

pids=()
tmp=$(mktemp -d -t portal-test.XXXXXX)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits for `url` to answer while process `pid` lives; prints `log` when it doesn't.
wait_for() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 300); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "$url: the process exited:"; cat "$log"; exit 1; fi
    sleep 0.1
  done
  echo "$url did not answer"; cat "$log"; exit 1
}

port=$(free_port)
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/moto-api/" "${pids[-1]}" "$tmp/moto.log"

export MOTO_ENDPOINT="http://127.0.0.1:$port"
echo "moto's server is at $MOTO_ENDPOINT"
cargo test --workspace --all-targets --no-fail-fast "$@"

# The SDK configuration the functions ship with (no aws-config) is compiled out above:
# `--workspace` unifies features, and portal-infra's tools turn on `sdk-chain`. portal-shared
# alone, with the features a function asks for (embedded for the tests' stores), leaves it
# off; a run that tested nothing (were `sdk-chain` on) fails too.
echo "== the functions' SDK configuration (portal-shared without sdk-chain)"
config_tests=$(cargo test -p portal-shared --no-default-features --features dynamodb,embedded \
  --lib aws::config 2>&1) || { echo "$config_tests"; exit 1; }
echo "$config_tests" | grep -E '^test |^test result'
if ! grep -q 'a_function_started_without_keys_loads_a_configuration_whose_calls_name_them \.\.\. ok' <<<"$config_tests"; then
  echo "portal-shared's configuration without sdk-chain was not tested (is sdk-chain on?)"
  exit 1
fi

# schemathesis: every check on, a bounded budget (about a minute on 2 cores), a fixed seed
# so a run is repeatable (SCHEMATHESIS_SEED=random for a fresh one). Its documented false
# positives are in infra/schemathesis.toml, each with its reason.
if [ ! -x .venv/bin/st ]; then
  echo "Installing schemathesis into .venv (first run only)..."
  venv_install "schemathesis>=4.32,<5"
fi
echo "== schemathesis against the local runner"
cargo build --quiet -p portal-infra --bin portal-local
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
portal_port=$(free_port)
"$target_dir/debug/portal-local" --addr "127.0.0.1:$portal_port" --data-dir "$tmp/portal-data" \
  >"$tmp/portal.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$portal_port/health" "${pids[-1]}" "$tmp/portal.log"
key=$(cat "$tmp/portal-data/demo-api-key.txt")
seed=${SCHEMATHESIS_SEED:-20261129}
seed_args=(--seed "$seed")
[ "$seed" = random ] && seed_args=()
# `timeout` only guards against a hang; the examples bound the run itself. One worker:
# with two threads, CPython before 3.11.8 and 3.12.1 can fail ast.parse inside hypothesis
# ("AST constructor recursion depth mismatch"), an error of the tool, not of the portal.
timeout 600 .venv/bin/st --config-file infra/schemathesis.toml run openapi.json \
  --url "http://127.0.0.1:$portal_port" \
  --header "Authorization: Bearer $key" \
  --checks all \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-20}" \
  --workers 1 \
  --generation-database none \
  --no-color \
  "${seed_args[@]}"
infra/browser-test.sh
