#!/usr/bin/env bash
# Everything CI does: install what is missing, build, run all tests; then the
# same with AddressSanitizer + UndefinedBehaviorSanitizer; then the fuzzers'
# smoke runs and the threaded tests under ThreadSanitizer. Ends with a table of
# how long each stage took.
#   CARTA_SKIP_ASAN=1      skip the ASan/UBSan build (quick local runs); the fuzz smoke runs
#                          then get their own tree (build-fuzz)
#   CARTA_SKIP_FUZZ=1      skip the fuzz smoke runs (scripts/fuzz.sh smoke)
#   CARTA_SKIP_TSAN=1      skip the ThreadSanitizer build of the threaded tests
#   CARTA_SKIP_CROSS=1     skip the mingw-w64 cross-build of the Windows minidriver
#   CARTA_SKIP_PACKAGE=1   skip the Debian packages (scripts/package.sh, tests/packaging/deb_flow.sh)
#   CARTA_BUILD_DIR        normal build tree (default build)
#   CARTA_ASAN_BUILD_DIR   sanitizer build tree, clang, with the fuzzers (default build-asan)
#   CARTA_TSAN_BUILD_DIR   ThreadSanitizer build tree (default build-tsan)
#   CARTA_FUZZ_BUILD_DIR   fuzz tree (default build-fuzz)
#   CARTA_FUZZ_SECONDS     fresh fuzzing per target in the smoke runs (default 5)
#   CARTA_TEST_TIMEOUT     per-test timeout for ctest in seconds (default 900)
#   CARTA_TEST_JOBS        tests ctest runs at once (default 3 per core: most of them wait, on
#                          pcscd, on the simulated card's latencies or on a process they started)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${CARTA_TEST_JOBS:-$(($(nproc) * 3))}
timeout=${CARTA_TEST_TIMEOUT:-900}
build_dir=${CARTA_BUILD_DIR:-build}
asan_dir=${CARTA_ASAN_BUILD_DIR:-build-asan}
tsan_dir=${CARTA_TSAN_BUILD_DIR:-build-tsan}

# The tests that run threads inside carta: the module's sessions and slots from many
# threads (and a slot query while another thread holds the card), C_Finalize racing
# C_WaitForSlotEvent and C_Sign, the APDU channel's transactions and the trace
# written from several threads.
tsan_tests='^apdu\.(TransactionGuard|InProcessTransport)\.'
tsan_tests+='|^apdu\.TraceFile\.LinesStayWholeWhenSeveralThreadsTrace$'
tsan_tests+='|^pkcs11\.(Races|KeptCard)\.'
tsan_tests+='|^pkcs11\.Slots\.(SlotInfoSendsNothingToTheCard|SessionInfoSendsNothingToTheCard|RepeatedTokenInfoIsServedFromTheCache)$'
tsan_tests+='|^pkcs11\.Signing\.ManyThreadsSignOnSeveralSessionsAtOnce$'
tsan_tests+='|^pkcs11\.Removal\.(FinalizeWakesABlockedWait|BlockingWaitReturnsWhenTheCardComesBack)$'

stages=()
stage_start=$SECONDS
current=""
# stage NAME: ends the running stage (recording its duration) and starts NAME.
stage() {
  end_stage
  current=$1
  stage_start=$SECONDS
  printf '\n==== %s (%(%H:%M:%S)T)\n' "$current" -1
}
end_stage() {
  [[ -n $current ]] && stages+=("$(printf '%-38s %5ds' "$current" $((SECONDS - stage_start)))")
  current=""
}
summary() {
  local status=$?
  end_stage
  printf '\n==== stages\n'
  printf '%s\n' "${stages[@]}"
  printf '%-38s %5ds  (%s)\n' "total" "$SECONDS" "$( ((status == 0)) && echo passed || echo "FAILED, status $status")"
}
trap summary EXIT
SECONDS=0

stage "setup"
scripts/setup-debian.sh

stage "build ($build_dir)"
# Configured for /usr, so that the package stage packs this very tree with Debian's paths
# (/usr/lib/<multiarch>/pkcs11/) without configuring or compiling anything again.
CARTA_BUILD_DIR=$build_dir scripts/build.sh -DCMAKE_INSTALL_PREFIX=/usr

stage "test ($build_dir)"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout "$timeout"

if [[ ${CARTA_SKIP_PACKAGE:-0} != 1 ]]; then
  stage "package ($build_dir)"
  # The .deb files of the tree just built and tested (CPack; nothing compiled again), lintian
  # (any error fails), what each holds and depends on; then both unpacked into a temporary
  # root, and the S/MIME flow run with the unpacked carta, module, carta-sim and simcard.
  CARTA_SKIP_SETUP=1 CARTA_BUILD_DIR=$build_dir scripts/package.sh
  tests/packaging/deb_flow.sh "$build_dir/deb"
fi

if [[ ${CARTA_SKIP_CROSS:-0} != 1 ]]; then
  stage "cross-build carta-minidriver.dll, .msi"
  # x86_64 and i686 with mingw-w64; fails on an export besides CardAcquireContext or an
  # unexpected imported DLL. Then the MSI of both, its registry values checked.
  scripts/cross-minidriver.sh
  scripts/msi-minidriver.sh
fi

if [[ ${CARTA_SKIP_ASAN:-0} != 1 ]]; then
  stage "build ($asan_dir, clang ASan+UBSan, fuzzers)"
  # One clang tree for the sanitizer tests and the fuzzers (everything instrumented for
  # coverage too), with only what its tests need: -O0 (Debug) compiles fastest and keeps the
  # asserts; CARTA_TEST_THROUGH_CLIENTS=OFF leaves out the tests that load the module into
  # uninstrumented programs (pkcs11-tool, NSS, OpenSSL, GnuTLS, Thunderbird, which cannot host
  # an ASan-built library), the fault matrix (timed against realistic card latencies), the
  # card-protocol suite through pcscd (its in-process run is here) and the simcard script's
  # self-tests; and the benchmarks.
  CARTA_BUILD_DIR=$asan_dir scripts/build.sh -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DCARTA_SANITIZE=ON -DCARTA_FUZZ=ON -DCARTA_TEST_THROUGH_CLIENTS=OFF -DCARTA_BUILD_BENCH=OFF

  stage "test ($asan_dir)"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir "$asan_dir" --output-on-failure -j"$jobs" --timeout "$timeout"

  if [[ ${CARTA_SKIP_FUZZ:-0} != 1 ]]; then
    stage "fuzz smoke ($asan_dir)"
    # Each target replays its committed corpus, then fuzzes a few seconds afresh; a crash fails.
    CARTA_FUZZ_BUILD_DIR=$asan_dir CARTA_FUZZ_NICE=0 scripts/fuzz.sh smoke "${CARTA_FUZZ_SECONDS:-5}"
  fi
elif [[ ${CARTA_SKIP_FUZZ:-0} != 1 ]]; then
  stage "fuzz smoke (${CARTA_FUZZ_BUILD_DIR:-build-fuzz})"
  CARTA_FUZZ_NICE=0 scripts/fuzz.sh smoke "${CARTA_FUZZ_SECONDS:-5}"
fi

if [[ ${CARTA_SKIP_TSAN:-0} != 1 ]]; then
  stage "build ($tsan_dir, TSan, threaded tests)"
  # Only what the threaded tests need, at -O1 (TSan at -O0 is slow to run, -O2 slow to build).
  cmake -S . -B "$tsan_dir" -G Ninja -DCARTA_TSAN=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCARTA_BUILD_BENCH=OFF >/dev/null
  cmake --build "$tsan_dir" --target carta_apdu_tests carta_pkcs11_tests carta_pkcs11_inprocess_tests \
    carta-one-slot-reader

  stage "test ($tsan_dir)"
  # Any data race or lock-order inversion makes the test's process exit non-zero; the
  # suppressions (each with its proof that it is not carta's) are in tests/tsan.supp.
  TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp} \
    ctest --test-dir "$tsan_dir" --output-on-failure -j"$jobs" --timeout "$timeout" -R "$tsan_tests"
fi
