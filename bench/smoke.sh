#!/usr/bin/env bash
# CI-sized benchmark smoke: 1k generated notes, release binary. Fails only on a
# gross regression (limits are 10-100x the expected times), never on noise.
# Needs only the Rust toolchain (no rg, sqlite3 or hyperfine).
#
#   bench/smoke.sh            # uses target/release, builds it if needed
#
# Unlike bench/run.sh (the `dist` profile: fat LTO, one codegen unit) this uses
# the quick `release` profile on purpose: .ci/run has just built it for the
# quick start, so the smoke costs CI no second optimised build, and its limits
# are far above the few percent that LTO is worth.
#
# Limits: 1k-note `index --rebuild` <= 10 s, no-op `index` <= 2 s,
# `search` (with sync) <= 2 s. Override with SMOKE_REBUILD_MS, SMOKE_NOOP_MS,
# SMOKE_SEARCH_MS.
set -euo pipefail
cd "$(dirname "$0")/.."

N=1000
REBUILD_MS=${SMOKE_REBUILD_MS:-10000}
NOOP_MS=${SMOKE_NOOP_MS:-2000}
SEARCH_MS=${SMOKE_SEARCH_MS:-2000}

cargo build --locked --release --quiet --bin rapport --example gen_vault
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/rapport
GEN=$TARGET/release/examples/gen_vault

work=$(mktemp -d "${TMPDIR:-/tmp}/rapport-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
V="$work/vault"
"$GEN" "$V" "$N" --seed 42 >/dev/null

fail=0
ms_now() { date +%s%N | cut -c1-13; }

# run LABEL LIMIT_MS CMD...: time one run, print it, check the exit code and limit
run() {
  local label=$1 limit=$2
  shift 2
  local t0 t1 ms rc=0
  t0=$(ms_now)
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  t1=$(ms_now)
  ms=$((t1 - t0))
  if [ "$rc" -ne 0 ]; then
    echo "smoke: $label: exit $rc" >&2
    cat "$work/err" >&2
    fail=1
  elif [ "$ms" -gt "$limit" ]; then
    echo "smoke: $label: ${ms} ms, over the ${limit} ms limit (gross regression)" >&2
    fail=1
  else
    printf 'smoke: %-28s %6d ms  (limit %d ms)\n' "$label" "$ms" "$limit"
  fi
}

run "index --rebuild (1k notes)" "$REBUILD_MS" "$BIN" --vault "$V" --json index --rebuild
if ! grep -Eq "\"notes\": ?$N," "$work/out"; then
  echo "smoke: index --rebuild did not index $N notes: $(cat "$work/out")" >&2
  fail=1
fi
# let every file age past the 2 s "racily clean" window, then settle the cache once
sleep 2.2
"$BIN" --vault "$V" -q index >/dev/null
run "no-op index" "$NOOP_MS" "$BIN" --vault "$V" index
run "search sailing (sync)" "$SEARCH_MS" "$BIN" --vault "$V" search sailing
if ! grep -q '\.md' "$work/out"; then
  echo "smoke: search found nothing" >&2
  fail=1
fi

if [ "$fail" -ne 0 ]; then
  echo "smoke: FAILED" >&2
  exit 1
fi
echo "smoke: ok"
