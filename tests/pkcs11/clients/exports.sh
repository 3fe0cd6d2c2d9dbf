#!/usr/bin/env bash
# The module exports the PKCS#11 entry points and nothing else.
set -euo pipefail
: "${CARTA_PKCS11_MODULE:?}"
symbols=$(nm -D --defined-only "$CARTA_PKCS11_MODULE" | awk '{print $3}')
echo "$symbols"
others=$(grep -v '^C_' <<< "$symbols" || true)
if [ -n "$others" ]; then
    echo "FAIL: exported symbols that are not PKCS#11 entry points:" >&2
    echo "$others" >&2
    exit 1
fi
count=$(wc -l <<< "$symbols")
[ "$count" -eq 68 ] || { echo "FAIL: $count C_* symbols, expected the 68 of PKCS#11 v2.40" >&2; exit 1; }
grep -qx C_GetFunctionList <<< "$symbols" || { echo "FAIL: no C_GetFunctionList" >&2; exit 1; }
echo "OK: the 68 PKCS#11 v2.40 entry points, nothing else"
