#!/usr/bin/env bash
# Issue 14's one command: builds what it needs, measures every function template.yaml names
# next to a hello-world floor, and writes bench/REPORT.md and bench/results.json.
#
#   infra/bench/run.sh           the full run: release builds (niced), 20 cold starts per
#                                function and request on the whole machine and under the CPU
#                                share of a 256 MB and a 1024 MB Lambda, arm64 zips through
#                                cargo-lambda, criterion, loopback load, cost
#   infra/bench/run.sh --quick   proves the harness works (CI, after the tests): the debug
#                                binaries the tests built, 3 starts, one quota, no sizes,
#                                criterion or load, about 20 s; writes to a temporary folder
#                                unless BENCH_OUT is set
#
# STARTS, QUOTAS (e.g. "256,1024"; "" for none), BENCH_OUT override the defaults; FUNCTIONS
# (e.g. "customers invite") builds and measures only those; ARM64=0 leaves out the arm64
# cross builds (in the background beside the x86_64 ones, in <target>/arm64-lambda; about 25
# minutes from cold here), CRITERION=0 the warm costs (a release build of every function
# together, about 10 minutes). Needs Python 3: moto's server and
# cargo-lambda (for the arm64 zips; it brings zig) are installed into .venv when missing, as
# infra/test.sh does, with rustup's aarch64 standard library; wrk is used when present
# (apt-get install wrk).
# Benchmarks measure: a slow figure never fails this script; a broken harness does.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=full
[ "${1:-}" = --quick ] && mode=quick
if [ "$mode" = quick ]; then
  starts=${STARTS:-3}; quotas=${QUOTAS-1024}; profile=debug
else
  starts=${STARTS:-20}; quotas=${QUOTAS-256,1024}; profile=release
fi

tmp=$(mktemp -d -t portal-bench.XXXXXX)
out=${BENCH_OUT:-$([ "$mode" = quick ] && echo "$tmp/out" || echo bench)}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

commands=()
# Runs a command and remembers it for the report.
run() { commands+=("$*"); "$@"; }

target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# The functions are whatever template.yaml builds (BuildProperties.Binary), each with the
# workspace package that has that binary.
binaries=${FUNCTIONS:-$(sed -n 's/^ *Binary: *//p' template.yaml)}
package_of() {
  cargo metadata --format-version 1 --no-deps | python3 -c '
import json, sys
name = sys.argv[1]
for p in json.load(sys.stdin)["packages"]:
    if any(t["name"] == name and "bin" in t["kind"] for t in p["targets"]):
        print(p["name"]); break' "$1"
}

# The arm64 zips as `sam build` makes them (cargo-lambda, which brings zig), one function at a
# time, in the background (see "building" below); sets arm_pid, or leaves it empty when
# ARM64=0 or cargo-lambda can't be had.
start_arm64_builds() {
  [ "${ARM64:-1}" = 0 ] && return 0
  local cargo_lambda=${CARGO_LAMBDA:-$(command -v cargo-lambda || true)}
  if [ -z "$cargo_lambda" ]; then
    if [ ! -x .venv/bin/cargo-lambda ]; then
      echo "Installing cargo-lambda into .venv (first run only)..."
      [ -x .venv/bin/python ] || python3 -m venv .venv
      .venv/bin/pip install --quiet --disable-pip-version-check "cargo-lambda>=1.9,<2" || true
    fi
    [ -x .venv/bin/cargo-lambda ] && cargo_lambda="$PWD/.venv/bin/cargo-lambda"
  fi
  [ -n "$cargo_lambda" ] || return 0
  if command -v rustup >/dev/null 2>&1; then
    rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 || true
  fi
  local arm_target="$target_dir/arm64-lambda"
  for b in $binaries; do
    commands+=("CARGO_TARGET_DIR=$arm_target nice -n 19 $cargo_lambda lambda build --release --arm64 --quiet --bin $b --output-format zip --lambda-dir \$TMP/lambda  # in the background")
  done
  (
    # cargo-lambda's zig (a pip dependency) must be on PATH beside it.
    export PATH="$(dirname "$cargo_lambda"):$PATH" CARGO_TARGET_DIR="$arm_target"
    started=$(date +%s)
    for b in $binaries; do
      nice -n 19 "$cargo_lambda" lambda build --release --arm64 --quiet --bin "$b" \
        --output-format zip --lambda-dir "$tmp/lambda" || exit 1
    done
    echo $(( $(date +%s) - started )) >"$tmp/arm64.seconds"
  ) >"$tmp/arm64.log" 2>&1 &
  arm_pid=$!
  pids+=($arm_pid)
}

bin_dir="$tmp/bin"
mkdir -p "$bin_dir"
echo "== building ($profile)"
arm_pid=""
if [ "$profile" = release ]; then
  # The arm64 zips (what `sam build` makes) build beside the x86_64 binaries: each fat-LTO
  # link is one long single-threaded step, so two streams keep both cores of a small machine
  # busy and the whole run about 25 minutes shorter. They get a target directory of their own
  # (cargo locks a target directory per build, and a cross build also locks the host's
  # release folder); measuring waits for both.
  start_arm64_builds
  # Each function alone, as `sam build` builds it, so each gets only its own features.
  # nice: on a shared machine other builds go first.
  for b in $binaries; do
    run nice -n 19 cargo build --release --quiet -p "$(package_of "$b")" --bin "$b"
  done
  run nice -n 19 cargo build --release --quiet -p portal-bench --bin floor
  if [ "${CRITERION:-1}" != 0 ]; then
    # Built now, run once the arm64 builds are done and the machine is quiet.
    run nice -n 19 cargo bench --quiet -p portal-bench --bench routes --no-run
  fi
else
  # The very build infra/test.sh's `cargo test --workspace --all-targets` made (it places
  # every function's binary in target/debug), so after the tests this builds nothing.
  run cargo test --quiet --workspace --all-targets --no-run
  run cargo build --quiet -p portal-bench --bin floor
fi
# The harness (the Runtime API and the proxy in front of moto) in the profile it measures:
# its own time between a function's call and moto's answer counts against the function.
if [ "$profile" = release ]; then
  run nice -n 19 cargo build --release --quiet -p portal-bench --bin bench
  run cargo build --quiet -p portal-bench --bin load
else
  run cargo build --quiet -p portal-bench --bin bench --bin load
fi
run cargo build --quiet -p portal-infra --bin portal-admin --bin portal-local
# Copies: other builds sharing the target directory may replace the originals meanwhile.
for b in $binaries floor bench; do cp "$target_dir/$profile/$b" "$bin_dir/"; done
for b in load portal-admin portal-local; do cp "$target_dir/debug/$b" "$bin_dir/"; done

# moto's server, as infra/test.sh starts it.
if ! command -v moto_server >/dev/null 2>&1; then
  if [ ! -x .venv/bin/moto_server ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]>=5.1,<6"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
fi
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_for() {
  for _ in $(seq 1 300); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$1 did not answer"; return 1
}
moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$tmp/moto.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$moto_port/moto-api/"
moto="http://127.0.0.1:$moto_port"

sizes='{}'
criterion='[]'
load='[]'
load_note=""
if [ "$mode" = full ]; then
  echo "== sizes"
  sizes=$(python3 infra/bench/sizes.py x86_64 "$bin_dir" $binaries)
  if [ -n "$arm_pid" ]; then
    echo "   waiting for the arm64 builds (log: $tmp/arm64.log)"
    if ! wait "$arm_pid"; then
      cat "$tmp/arm64.log"; echo "the arm64 builds failed"; exit 1
    fi
    arm_seconds=$(cat "$tmp/arm64.seconds")
    sizes=$(python3 infra/bench/sizes.py arm64 "$tmp/lambda" $binaries "$sizes")
    sizes=$(echo "$sizes" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["note"]=f"The arm64 builds took {sys.argv[1]} s on this machine (niced, beside the x86_64 builds, sharing it with whatever else ran)."; print(json.dumps(d))' "$arm_seconds")
  else
    why="cargo-lambda is not on PATH and could not be installed into .venv (pip install cargo-lambda, or CARGO_LAMBDA=path)"
    [ "${ARM64:-1}" = 0 ] && why="ARM64=0 left the arm64 cross builds out of this run"
    sizes=$(echo "$sizes" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["note"]=sys.argv[1]+": no arm64 zips in this run, only the x86_64 release binaries."; print(json.dumps(d))' "$why")
  fi

  if [ "${CRITERION:-1}" = 0 ]; then
    echo "== criterion: left out (CRITERION=0)"
  else
    echo "== criterion"
    export CRITERION_HOME="$tmp/criterion"
    run cargo bench --quiet -p portal-bench --bench routes -- --warm-up-time 1 --measurement-time 3 --noplot
    criterion=$(python3 infra/bench/criterion.py "$tmp/criterion")
  fi

  echo "== load"
  if command -v wrk >/dev/null 2>&1; then
    local_port=$(free_port)
    "$bin_dir/portal-local" --addr "127.0.0.1:$local_port" --data-dir "$tmp/local-data" >"$tmp/local.log" 2>&1 &
    local_pid=$!
    pids+=($local_pid)
    wait_for "http://127.0.0.1:$local_port/health"
    base="http://127.0.0.1:$local_port"
    key=$(cat "$tmp/local-data/demo-api-key.txt")
    customer=$(curl -fsS "$base/customers" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d '{"companyName": "Bäckerei Schmidt GmbH", "owner": "Anna Schmidt", "language": "de", "loginEmail": "anna@baeckerei.example"}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    forms=""
    for i in $(seq 1 10); do
      form=$(curl -fsS "$base/forms?customerId=$customer" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
        -d "{\"name\": \"Kontakt $i\", \"recipients\": [\"info@baeckerei.example\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
      forms="$forms${forms:+,}$form"
    done
    rss() { awk '/^VmHWM:/ {print $2}' "/proc/$local_pid/status"; }
    read_json=$(BENCH_AUTH="$key" run wrk -t1 -c8 -d10s --latency -s infra/bench/wrk-report.lua "$base/customers/$customer" | tail -1)
    read_rss=$(rss)
    intake_json=$(run "$bin_dir/load" --base "$base" --forms "$forms" --requests 2000 --connections 8 --seconds 60)
    intake_rss=$(rss)
    load=$(python3 - "$read_json" "$read_rss" "$intake_json" "$intake_rss" <<'PY'
import json, sys
read, read_rss, intake, intake_rss = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
read.update(name="authenticated read: GET /customers/{id} with the API key (wrk -t1 -c8 -d10s)", connections=8, max_rss_mb=round(read_rss / 1024, 1))
intake.update(name="form intake: POST /f/{formId} (2,000 posts)", max_rss_mb=round(intake_rss / 1024, 1))
print(json.dumps([read, intake]))
PY
)
    load_note="The runner is the debug build of portal-local with its embedded SQLite store on disk (what \`cargo run -p portal-infra --bin portal-local\` runs), on the same 2 cores as the load generator; max RSS is the runner's VmHWM after each target."
  else
    load_note="wrk is not installed (apt-get install wrk): no load figures in this run."
  fi
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$tmp/meta.json" "$mode" "$profile" "$commit" "$load_note" "${commands[@]}" <<'PY'
import json, platform, subprocess, sys, datetime, os
path, mode, profile, commit, load_note, *commands = sys.argv[1:]
def out(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except Exception:
        return "not installed"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
json.dump({
    "command": "infra/bench/run.sh" + (" --quick" if mode == "quick" else ""),
    "mode": mode,
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "machine": f"{os.cpu_count()} cores, {mem}",
    "cpu": cpu,
    "kernel": platform.release(),
    "rustc": out("rustc", "-V"),
    "cargo_lambda": out(os.environ.get("CARGO_LAMBDA") or "cargo-lambda", "lambda", "--version"),
    "moto": out("sh", "-c", 'for p in .venv/bin/python python3; do $p -c "import moto; print(\'moto \' + moto.__version__)" 2>/dev/null && break; done'),
    "wrk": out("sh", "-c", "wrk -v 2>&1 | head -1"),
    "commit": commit,
    "profile": f"{profile} profile, x86_64 (the workspace's [profile.{profile}])",
    "commands": commands,
    "load_note": load_note,
}, open(path, "w"), indent=1)
PY
echo "$sizes" >"$tmp/sizes.json"
echo "$criterion" >"$tmp/criterion.json"
echo "$load" >"$tmp/load.json"

echo "== cold starts and AWS calls"
bench_args=(--bin-dir "$bin_dir" --floor "$bin_dir/floor" --starts "$starts" --quotas "$quotas"
  ${FUNCTIONS:+--only "${FUNCTIONS// /,}"}
  --moto "$moto" --admin "$bin_dir/portal-admin" --out-dir "$out"
  --meta "$tmp/meta.json" --sizes "$tmp/sizes.json" --criterion "$tmp/criterion.json" --load "$tmp/load.json")
commands+=("bench ${bench_args[*]}")
python3 - "$tmp/meta.json" "bench ${bench_args[*]//$tmp/\$TMP}" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1])); meta["commands"].append(sys.argv[2]); json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY
"$bin_dir/bench" "${bench_args[@]}"
echo "Report: $out/REPORT.md"
[ "$mode" = quick ] && head -40 "$out/REPORT.md"
exit 0
