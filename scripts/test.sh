#!/usr/bin/env bash
# Everything CI does: install what is missing, build, run all tests; then the
# same with AddressSanitizer + UndefinedBehaviorSanitizer.
#   CARTA_SKIP_ASAN=1      skip the sanitizer build (quick local runs)
#   CARTA_BUILD_DIR        normal build tree (default build)
#   CARTA_ASAN_BUILD_DIR   sanitizer build tree (default build-asan)
#   CARTA_TEST_TIMEOUT     per-test timeout for ctest in seconds (default 900)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc)
timeout=${CARTA_TEST_TIMEOUT:-900}
build_dir=${CARTA_BUILD_DIR:-build}
asan_dir=${CARTA_ASAN_BUILD_DIR:-build-asan}

step() { printf '\n==== %s (%(%H:%M:%S)T)\n' "$*" -1; }
SECONDS=0

step "setup"
scripts/setup-debian.sh

step "build ($build_dir)"
CARTA_BUILD_DIR=$build_dir scripts/build.sh

step "test ($build_dir)"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout "$timeout"

if [[ ${CARTA_SKIP_ASAN:-0} == 1 ]]; then
  step "sanitizer build skipped (CARTA_SKIP_ASAN=1); all done in ${SECONDS}s"
  exit 0
fi

step "build ($asan_dir, ASan+UBSan)"
# -O0 (Debug): a third of the compile time of -O2 under the sanitizers, and asserts stay on.
CARTA_BUILD_DIR=$asan_dir scripts/build.sh -DCARTA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

step "test ($asan_dir)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Left out here: tests labelled "clients", which load the module into uninstrumented programs
# (pkcs11-tool, NSS, OpenSSL, GnuTLS) that cannot host an ASan-built library; and integration.*,
# the card-protocol suite again through pcscd, whose code the in-process run of the same suite
# (and the PKCS#11 and CLI tests through pcscd) already cover under the sanitizers.
ctest --test-dir "$asan_dir" --output-on-failure -j"$jobs" --timeout "$timeout" -LE clients -E '^integration\.'

step "all done in ${SECONDS}s"
