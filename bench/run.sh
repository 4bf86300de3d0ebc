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
#   --watch-only BIN VAULT
#                   only the "search with watch" rows (step 5) for one vault and
#                   binary, printed to stdout; builds and generates nothing
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
#      the ratio rapport/peer and whether each performance target is met;
#   5. for each vault: `search -- WORD` with a `watch` running and caught up (it
#      answers the reader's sync cookie, so no stat walk), the same without a
#      watch, and `rg -c -i WORD` over the same files; medians of --reps runs,
#      appended to the report.
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
WATCH_ONLY=()
while [ $# -gt 0 ]; do
  case "$1" in
    --watch-only) WATCH_ONLY=("$2" "$3"); shift 2 ;;
    --quick) QUICK=1 ;;
    --reps) REPS=$2; shift ;;
    --reps-large) REPS_LARGE=$2; shift ;;
    --term) TERM_WORD=$2; shift ;;
    --report) REPORT=$2; shift ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- search with a watch running (step 5) -------------------------------------
# One timed run: wall time in ms (date, ns resolution) and peak RSS in MiB
# (GNU time), as "ms mib".
timed() {
  local tf start end
  tf=$(mktemp)
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$tf" "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 )) $(tail -1 "$tf")" | awk '{printf "%.1f %.0f\n", $1 / 1000, $2 / 1024}'
  rm -f "$tf"
}
# The median of "ms mib" lines: "ms mib".
median() {
  sort -n | awk '{ms[NR] = $1; mib[NR] = $2} END {m = int((NR + 1) / 2); print ms[m], mib[m]}'
}
# Markdown rows for one vault: search with a caught-up watch, without, and rg.
watch_rows() {
  local bin=$1 v=$2 reps=$3 term=$4 wpid i with without rg
  "$bin" --vault "$v" -q index >/dev/null
  "$bin" --vault "$v" -q watch >/dev/null 2>&1 &
  wpid=$!
  # caught up: a read command takes the fast path (RAPPORT_DEBUG=1 says which)
  for i in $(seq 600); do
    if RAPPORT_DEBUG=1 "$bin" --vault "$v" search -- "$term" 2>&1 >/dev/null |
      grep -q 'freshness: watcher'; then break; fi
    sleep 1
  done
  [ "$i" -lt 600 ] || { kill -INT "$wpid"; echo "run.sh: watch never caught up" >&2; exit 1; }
  timed "$bin" --vault "$v" search -- "$term" >/dev/null # warm-up
  with=$(for i in $(seq "$reps"); do timed "$bin" --vault "$v" search -- "$term"; done | median)
  kill -INT "$wpid"
  wait "$wpid" || true
  timed "$bin" --vault "$v" search -- "$term" >/dev/null
  without=$(for i in $(seq "$reps"); do timed "$bin" --vault "$v" search -- "$term"; done | median)
  timed rg -c -i "$term" "$v" >/dev/null
  rg=$(for i in $(seq "$reps"); do timed rg -c -i "$term" "$v"; done | median)
  local n
  n=$(find "$v" -name '*.md' -not -path '*/.*' | wc -l)
  echo "| $n notes: \`search -- $term\`, watch running and caught up | ${with% *} ms | ${with#* } MiB | $(awk -v a="${with% *}" -v b="${rg% *}" 'BEGIN {printf "%.3f", a / b}')× rg |"
  echo "| $n notes: \`search -- $term\`, no watch (stat walk) | ${without% *} ms | ${without#* } MiB | $(awk -v a="${without% *}" -v b="${rg% *}" 'BEGIN {printf "%.3f", a / b}')× rg |"
  echo "| $n notes: \`rg -c -i $term\` | ${rg% *} ms | ${rg#* } MiB | 1× |"
}
watch_header() {
  echo
  echo "## search with a watch running"
  echo
  echo "Medians of $1 runs (bench/run.sh step 5; wall time, peak RSS)."
  echo
  echo "| command | wall | peak RSS | ratio |"
  echo "|---|---|---|---|"
}
if [ ${#WATCH_ONLY[@]} -gt 0 ]; then
  watch_header "$REPS"
  watch_rows "${WATCH_ONLY[0]}" "${WATCH_ONLY[1]}" "$REPS" "$TERM_WORD"
  exit 0
fi

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
log "search with a watch running"
{
  watch_header "$REPS"
  for n in "${sizes[@]}"; do watch_rows "$BIN" "$OUT/vault-$n" "$REPS" "$TERM_WORD"; done
} >>"$REPORT"
log "wrote $REPORT (raw numbers: bench/out/results.json)"
