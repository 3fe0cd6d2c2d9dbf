#!/usr/bin/env bash
# The everyday loop: build the main tree and run all of its tests (in-process, through pcscd and
# the real clients) — what scripts/test.sh does first, without the sanitizer, fuzz and
# ThreadSanitizer stages that follow it in CI. Extra arguments go to ctest, e.g.
#   scripts/check.sh -R '^pkcs11\.'       only the PKCS#11 tests
#   scripts/check.sh -L inprocess         only the in-process tests (seconds)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CARTA_SKIP_ASAN=1 CARTA_SKIP_FUZZ=1 CARTA_SKIP_TSAN=1 CARTA_CTEST_ARGS="$*" exec scripts/test.sh
