#!/usr/bin/env bash
# The card used from another machine, as p11-kit does it: `p11-kit server` loads carta's
# module and exports the common profile's token on a Unix socket (forwarded with ssh in
# real use); pkcs11-tool loads p11-kit's client module, which sees only that token, logs
# in and signs through the socket. OpenSSL verifies every signature; a wrong PIN's error
# comes back through the socket as the card's answer.
source "$(dirname "$0")/common.sh"
client=$(pkg-config --variable=p11_module_path p11-kit-1 2>/dev/null || true)/p11-kit-client.so
[ -f "$client" ] || fail "no p11-kit client module at $client (run scripts/setup-debian.sh: p11-kit-modules)"
start_card

step "p11-kit server with libcarta-pkcs11.so, exporting the token \"$TOKEN\" on a private socket"
socket=$WORK/p11-kit.sock
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; cleanup' EXIT
# Foreground (-f): it stays this script's child, stopped by its PID, never a daemon.
p11-kit server -f -n "$socket" --provider "$MODULE" "pkcs11:token=${TOKEN// /%20}" > "$WORK/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 200); do
    [ -S "$socket" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/server.out" >&2; fail "p11-kit server exited"; }
    sleep 0.05
done
[ -S "$socket" ] || { cat "$WORK/server.out" >&2; fail "p11-kit server made no socket in 10 s"; }
expect "$(cat "$WORK/server.out")" "P11_KIT_SERVER_ADDRESS=unix:path=$socket;" "the server's address"
export P11_KIT_SERVER_ADDRESS=unix:path=$socket

remote() { pkcs11-tool --module "$client" "$@"; }

step "the client module shows the exported token, and only it"
slots=$(remote --list-token-slots)
echo "$slots"
expect "$slots" "token label +: $TOKEN\$" "the exported token"
expect "$slots" "serial num +: 1625834976919804" "the card's serial number"
[ "$(grep -c 'token label' <<< "$slots")" -eq 1 ] || fail "the client sees more than the exported token"

printf 'Podpisane zdalnie, przez p11-kit.\n' > "$WORK/data"
card_public_keys
sign() { sign_with remote "$@"; }  # sign ID MECHANISM [extra args]

step "SHA256-RSA-PKCS through the server, verified by OpenSSL"
sign 21 SHA256-RSA-PKCS
openssl dgst -sha256 -verify "$WORK/rsa.pub" -signature "$WORK/sig" "$WORK/data"

# p11-kit 0.24's RPC carries only the mechanisms whose parameters it knows how to send:
# the client module offers RSA-PKCS-PSS and ECDSA over a hash, not SHA256-RSA-PKCS-PSS or
# ECDSA-SHA256 (it drops them from the mechanism list), so those sign the hash made here.
openssl dgst -sha256 -binary "$WORK/data" > "$WORK/hash"
step "RSA-PKCS-PSS over a SHA-256 hash through the server"
remote --token-label "$TOKEN" --login --pin "$PIN" --sign --id 21 --mechanism RSA-PKCS-PSS \
    --hash-algorithm SHA256 --mgf MGF1-SHA256 --salt-len -1 -i "$WORK/hash" -o "$WORK/sig"
openssl pkeyutl -verify -pubin -inkey "$WORK/rsa.pub" -in "$WORK/hash" -sigfile "$WORK/sig" \
    -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:-1 -pkeyopt digest:sha256

step "ECDSA over a SHA-256 hash through the server"
remote --token-label "$TOKEN" --login --pin "$PIN" --sign --id 31 --mechanism ECDSA \
    --signature-format openssl -i "$WORK/hash" -o "$WORK/sig"
openssl pkeyutl -verify -pubin -inkey "$WORK/ec.pub" -in "$WORK/hash" -sigfile "$WORK/sig"

step "a wrong PIN: the card's answer comes back through the server"
if out=$(remote --token-label "$TOKEN" --login --pin 999999 --sign --id 21 --mechanism SHA256-RSA-PKCS \
    -i "$WORK/data" -o "$WORK/sig" 2>&1); then
    fail "signing with a wrong PIN succeeded"
fi
expect "$out" "CKR_PIN_INCORRECT" "the wrong PIN's error"

step "the server stops when told (by its PID)"
kill "$server_pid"
wait "$server_pid" || true
kill -0 "$server_pid" 2>/dev/null && fail "p11-kit server still runs"
server_pid=""
echo "OK"
