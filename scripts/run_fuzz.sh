#!/usr/bin/env bash
# Build the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan) and run
# each for SECONDS (default 60) on a copy of its seed corpus, fuzz/corpus/<name>.
# Fails on any crash, leak, timeout (> 10 s for one input), out-of-memory
# (> 2048 MB), sanitizer report or broken property of the target.
#
#   scripts/run_fuzz.sh [SECONDS]     SECONDS = 0: only replay the seed corpora
#
# Needs clang and libclang-rt-14-dev (Debian 12). Targets run FUZZ_JOBS at a time
# (default: the number of CPUs, at most 4). Logs, grown corpora and any crashing
# input (crash-*, leak-*, timeout-*, oom-*) go to build/fuzz/run/<name>/.
# docs/robustness.md ("Fuzzing") describes the targets and what they found.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECS=${1:-60}
[[ $SECS =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
TARGETS=(npy idx model solvers)
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
(( JOBS > 4 )) && JOBS=4
(( JOBS < 1 )) && JOBS=1

command -v clang++ >/dev/null || { echo "run_fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

BIN=build/fuzz/fuzz
RUN=build/fuzz/run
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() {
  local t=$1 dir=$RUN/$1
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  cp fuzz/corpus/"$t"/* "$dir/corpus/"
  local args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/")
  if (( SECS == 0 )); then
    args+=(-runs=0)
  else
    args+=(-max_total_time="$SECS")
  fi
  "$BIN/fuzz_$t" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1
}

# Keep up to JOBS targets running; each exit status is collected once.
declare -A PID STATUS
collect() { local s=0; wait "${PID[$1]}" || s=$?; STATUS[$1]=$s; }
i=0
for t in "${TARGETS[@]}"; do
  (( i >= JOBS )) && collect "${TARGETS[i - JOBS]}"
  run_one "$t" &
  PID[$t]=$!
  i=$((i + 1))
done
for t in "${TARGETS[@]}"; do
  [[ -n ${STATUS[$t]:-} ]] || collect "$t"
done

failed=0
for t in "${TARGETS[@]}"; do
  status=${STATUS[$t]}
  log=$RUN/$t/log
  stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n1 | sed -E 's/^.*DONE[[:space:]]+//; s/[[:space:]]+/ /g' || true)
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n1)
  bad=$(ls "$RUN/$t" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
  if (( status != 0 )) || [[ -n $bad ]] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|fuzz property violated' "$log"; then
    failed=1
    printf 'FAIL fuzz_%-8s exit %d; see %s\n' "$t" "$status" "$log"
    grep -E 'ERROR:|runtime error:|fuzz property violated|SUMMARY:' "$log" | head -n 5 | sed 's/^/     /'
    for f in $bad; do echo "     input: $RUN/$t/$f"; done
  else
    printf 'ok   fuzz_%-8s %10s executions  %s\n' "$t" "${execs:-?}" "$stats"
  fi
done
exit $failed
