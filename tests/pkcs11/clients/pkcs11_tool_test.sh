#!/usr/bin/env bash
# pkcs11-tool --login --test: OpenSC's own test of the token (random, digests,
# signatures verified with OpenSSL, verification, decryption). It exits 0 even
# with errors, so its report is parsed.
source "$(dirname "$0")/common.sh"
start_card

step "pkcs11-tool --login --test"
out=$(p11 --token-label "$TOKEN" --login --pin "$PIN" --test 2>&1)
echo "$out"
expect "$out" "all 4 signature functions seem to work" "multi-part and single-part signatures"
expect "$out" "RSA-PKCS-OAEP: .*" "OAEP decryption was tested"
expect "$out" "^No errors$" "pkcs11-tool --test reports no errors"
echo "OK"
