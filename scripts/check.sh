#!/usr/bin/env bash
# The everyday loop: build the main tree and run all of its tests (in-process, through pcscd and
# the real clients) — what scripts/test.sh does first, without the sanitizer, fuzz and
# ThreadSanitizer stages that follow it in CI. Extra arguments go to ctest, e.g.
#   scripts/check.sh -R '^pkcs11\.'       only the PKCS#11 tests
#   scripts/check.sh -L inprocess         only the in-process tests (seconds)
# Build directory: $CARTA_BUILD_DIR, default build/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS=0
scripts/setup-debian.sh
scripts/build.sh
# Three tests per core (CARTA_TEST_JOBS): most of them wait, on pcscd, on the simulated card's
# latencies or on a process they started.
ctest --test-dir "${CARTA_BUILD_DIR:-build}" --output-on-failure -j"${CARTA_TEST_JOBS:-$(($(nproc) * 3))}" \
  --timeout "${CARTA_TEST_TIMEOUT:-900}" "$@"
echo "check: build and tests in ${SECONDS}s"
