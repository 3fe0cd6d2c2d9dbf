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
# The 68 functions of PKCS#11 2.40 and the 24 that 3.0 adds.
[ "$count" -eq 92 ] || { echo "FAIL: $count C_* symbols, expected the 92 of PKCS#11 3.0" >&2; exit 1; }
for f in C_GetFunctionList C_GetInterfaceList C_GetInterface C_LoginUser C_SessionCancel C_MessageVerifyFinal; do
    grep -qx "$f" <<< "$symbols" || { echo "FAIL: no $f" >&2; exit 1; }
done
echo "OK: the 92 PKCS#11 3.0 entry points, nothing else"
