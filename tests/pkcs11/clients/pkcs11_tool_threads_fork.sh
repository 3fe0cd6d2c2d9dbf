#!/usr/bin/env bash
# pkcs11-tool --test-threads (C_Initialize and friends from several threads at
# once) and --test-fork (a child's C_Initialize).
source "$(dirname "$0")/common.sh"
start_card

step "pkcs11-tool --test-threads"
# pkcs11-tool checks its threads right after the main thread's own C_Initialize and, if one is
# still busy, sleeps 30 s before it looks again: about every other run takes 31 s, idle. The
# test's COST (tests/pkcs11/CMakeLists.txt) makes ctest start it first, beside the others.
out=$(p11 --test-threads IN:GI:SL:T0:T1 --test-threads IL:SL:T1:T0 --test-threads IN:SL:T0:GI -L 2>&1)
echo "$out"
expect "$out" "all threads have ended with CKR_OK" "every thread ends with CKR_OK"

step "pkcs11-tool --test-fork"
out=$(p11 --token-label "$TOKEN" --test-fork 2>&1)
echo "$out"
expect "$out" "Calling C_Initialize in forked child process" "the fork test ran"
echo "OK"
