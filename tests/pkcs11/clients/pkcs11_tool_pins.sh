#!/usr/bin/env bash
# A new card through pkcs11-tool: --init-token (SO PIN = PUK), --init-pin as the
# SO, --change-pin; then the new PIN works.
source "$(dirname "$0")/common.sh"
# The token's part of `pkcs11-tool -T` (the secure profile has flags of its own).
token_flags() { p11 -T | sed -n '/token label *: Karta Jana/,/pin min/p' | grep "token flags"; }
: "${CARTA_TEMPLATE_CARD:?}"
start_card "$CARTA_TEMPLATE_CARD"

step "--init-token"
p11 --slot-index 0 --init-token --label "Karta Jana" --so-pin "$PUK"
out=$(token_flags)
echo "$out"
expect "$out" "token initialized" "the token is initialised"
if grep -q "PIN initialized" <<< "$out"; then fail "no user PIN yet"; fi

step "--init-pin --login --login-type so"
p11 --token-label "Karta Jana" --init-pin --login --login-type so --so-pin "$PUK" --new-pin 1234
out=$(token_flags)
echo "$out"
expect "$out" "PIN initialized" "the user PIN is set"

step "--change-pin"
p11 --token-label "Karta Jana" --change-pin --pin 1234 --new-pin 5678
p11 --token-label "Karta Jana" --login --pin 5678 -O > /dev/null
if p11 --token-label "Karta Jana" --login --pin 1234 -O > /dev/null 2>&1; then fail "the old PIN still works"; fi
out=$(token_flags)
echo "$out"
expect "$out" "user PIN count low" "the wrong PIN counted"
echo "OK"
