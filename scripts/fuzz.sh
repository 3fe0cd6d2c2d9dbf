#!/usr/bin/env bash
# carta's libFuzzer targets (fuzz/): build them, run them briefly for CI, or for hours.
#   scripts/fuzz.sh build                  configure and build the fuzz tree (clang, ASan+UBSan)
#   scripts/fuzz.sh smoke [SECONDS]        each target on its committed corpus, then a short fresh
#                                          run (default 5 s); any crash fails (CI runs this)
#   scripts/fuzz.sh run [SECONDS] [TARGET...]
#                                          long runs, one target after the other, SECONDS each
#                                          (default 3600); the corpus grows in $dir/corpus-run/<target>
#   scripts/fuzz.sh seeds                  rewrite fuzz/corpus/ with the seed maker's recordings
#   scripts/fuzz.sh list                   the targets
# Environment:
#   CARTA_FUZZ_BUILD_DIR   the fuzz tree (default build-fuzz)
#   CARTA_FUZZ_NICE        niceness of the runs (default 10: the machine is shared)
#   CARTA_FUZZ_TIMEOUT     seconds one input may take before libFuzzer calls it a hang (default 20;
#                          300 above niceness 10: libFuzzer counts wall time, and a run starved by
#                          a build at normal priority would report false hangs)
# Crashes are saved as $dir/artifacts/<target>-crash-<sha1> (reproduce: the target binary with
# that file as its argument); executions per run are appended to $dir/fuzz-stats.tsv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir=${CARTA_FUZZ_BUILD_DIR:-build-fuzz}
niceness=${CARTA_FUZZ_NICE:-10}
input_timeout=${CARTA_FUZZ_TIMEOUT:-$((niceness > 10 ? 300 : 20))}
targets=(apdu_tlv sim_commands card_answers cli_readers state_file object_cache pkcs11_params)

# build [TARGET...]: configures the fuzz tree and builds TARGETs (default: the fuzzers).
build() {
  local cache="$dir/CMakeCache.txt"
  if [[ -f $cache ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$cache"; then
    rm -rf "$cache" "$dir/CMakeFiles"
  fi
  # A tree already configured with the fuzzers is used as it is: CI's sanitizer tree
  # (scripts/test.sh) builds them beside the ASan tests, at -O0.
  if ! grep -qs '^CARTA_FUZZ:BOOL=ON$' "$cache"; then
    # -O1: most of -O2's execution speed under the sanitizers for much less compile time;
    # Debug keeps the asserts.
    cmake -S . -B "$dir" -G Ninja -DCARTA_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DCARTA_BUILD_TESTS=OFF -DCARTA_BUILD_BENCH=OFF >/dev/null
  fi
  cmake --build "$dir" --target "${@:-carta_fuzzers}"
}

# fuzz TARGET SECONDS MODE: one libFuzzer run; prints "TARGET EXECS RESULT".
fuzz() {
  local target=$1 seconds=$2 mode=$3
  local work="$dir/corpus-$mode/$target" log="$dir/logs/$target.$mode.log"
  mkdir -p "$work" "$dir/artifacts" "$dir/logs"
  local args=(-max_total_time="$seconds" -timeout="$input_timeout" -rss_limit_mb=4096 -print_final_stats=1
              -artifact_prefix="$dir/artifacts/$target-")
  [[ -f fuzz/$target.dict ]] && args+=(-dict="fuzz/$target.dict")
  local result=ok
  # The first directory takes what the run finds; the committed seeds are only read.
  if ! nice -n "$niceness" "$dir/fuzz/carta_fuzz_$target" "${args[@]}" "$work" "fuzz/corpus/$target" \
       >"$log" 2>&1; then
    result=CRASH
  fi
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$mode" "$target" "$seconds" "${execs:-0}" "$result" \
    >>"$dir/fuzz-stats.tsv"
  printf '%-14s %12s execs  %s\n' "$target" "${execs:-0}" "$result"
  if [[ $result != ok ]]; then
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2
    return 1
  fi
}

run_all() {
  local seconds=$1 mode=$2
  shift 2
  local chosen=("$@") failed=0
  ((${#chosen[@]})) || chosen=("${targets[@]}")
  for target in "${chosen[@]}"; do
    fuzz "$target" "$seconds" "$mode" || failed=1
  done
  return "$failed"
}

case ${1:-} in
  build) build carta_fuzzers carta_fuzz_make_seeds ;;
  smoke)
    build
    # A fresh working corpus per smoke run: CI judges the committed seeds plus what these seconds find.
    rm -rf "$dir/corpus-smoke"
    run_all "${2:-5}" smoke
    ;;
  run)
    build
    seconds=${2:-3600}
    shift $(($# > 1 ? 2 : 1))
    run_all "$seconds" run "$@"
    ;;
  seeds)
    build carta_fuzz_make_seeds
    rm -rf fuzz/corpus
    "$dir/fuzz/carta_fuzz_make_seeds" fuzz/corpus
    find fuzz/corpus -type f | wc -l | xargs printf 'fuzz/corpus: %s seeds\n'
    ;;
  list) printf '%s\n' "${targets[@]}" ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
