#!/usr/bin/env bash
# Side-by-side benchmark of rapport against its peers; writes BENCHMARKS.md.
#
#   bench/run.sh [--quick] [--reps N] [--reps-large N] [--term WORD] [--report FILE]
#
#   --quick         10k notes only (the 100k vault takes long to generate and index)
#   --reps N        timed repetitions per command (default 7), after one warm-up
#   --reps-large N  repetitions of the 100k rebuilds (default 3)
#   --term WORD     the search/match term (default: sailing)
#   --report FILE   where to write the report (default: BENCHMARKS.md)
#
# What it does:
#   1. installs what is missing: ripgrep and sqlite3 through apt-get (as root),
#      else it stops and says what to install; python3 (stdlib only) runs the timing;
#   2. builds target/dist/rapport and the generator (examples/gen_vault.rs) with
#      the `dist` profile (fat LTO, one codegen unit: the build that is measured;
#      a cold build takes several minutes, `release` is the quick one for people);
#   3. generates bench/out/vault-10000 (and vault-100000) with --seed 42, runs
#      `rapport index` once (so .rapport/.gitignore exists) and commits the vault
#      in a git repository of its own; reused on the next run;
#   4. bench/measure.py times each pair rapport/peer interleaved in the same run
#      (wall time; peak RSS from GNU time) and writes the report: medians, min, max,
#      the ratio rapport/peer and whether each performance target is met.
#
# bench/out/ is git-ignored. Delete it to regenerate the vaults.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0
REPS=7
REPS_LARGE=3
TERM_WORD=sailing
REPORT=BENCHMARKS.md
ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --reps) REPS=$2; shift ;;
    --reps-large) REPS_LARGE=$2; shift ;;
    --term) TERM_WORD=$2; shift ;;
    --report) REPORT=$2; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools ------------------------------------------------------------------
need=()
command -v rg >/dev/null || need+=(ripgrep)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "run.sh: please install: ${need[*]} (Debian: apt-get install -y ${need[*]};" \
      "ripgrep also: cargo install ripgrep)" >&2
    exit 2
  fi
fi
# fsdir() and readfile() are built into the sqlite3 shell since 3.24
if ! sqlite3 :memory: "SELECT count(*) FROM fsdir('.') LIMIT 1" >/dev/null 2>&1; then
  echo "run.sh: this sqlite3 shell lacks fsdir(); need sqlite3 >= 3.24 with FTS5" >&2
  exit 2
fi

# --- build ------------------------------------------------------------------
log "building the dist binary and generator (cargo --profile dist)"
cargo build --locked --profile dist --quiet --bin rapport --example gen_vault
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
BIN=$TARGET/dist/rapport
GEN=$TARGET/dist/examples/gen_vault

OUT=$ROOT/bench/out
mkdir -p "$OUT"

sizes=(10000)
[ "$QUICK" = 1 ] || sizes+=(100000)

vault_args=()
for n in "${sizes[@]}"; do
  v=$OUT/vault-$n
  if [ ! -f "$OUT/vault-$n.ok" ]; then
    log "generating $n notes into $v"
    rm -rf "$v"
    "$GEN" "$v" "$n" --seed 42 >/dev/null
    "$BIN" --vault "$v" -q index >/dev/null
    log "committing the vault to its own git repository"
    (
      cd "$v"
      git init -q
      git add -A
      git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "generated vault, $n notes"
    )
    touch "$OUT/vault-$n.ok"
  fi
  vault_args+=(--vault "$n=$v")
done

case "$REPORT" in /*) ;; *) REPORT=$ROOT/$REPORT ;; esac
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/bench/measure.py" \
  --bin "$BIN" --out "$OUT" "${vault_args[@]}" \
  --reps "$REPS" --reps-large "$REPS_LARGE" --term "$TERM_WORD" \
  --report "$REPORT" \
  --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+dirty')" \
  --command-line "bench/run.sh${ARGS:+ $ARGS}"
log "wrote $REPORT (raw numbers: bench/out/results.json)"
