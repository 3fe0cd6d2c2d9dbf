#!/usr/bin/env bash
# OpenSSL through libengine-pkcs11 (libp11): openssl cms -sign with the key on
# the card, verified by OpenSSL. The module runs inside this openssl process,
# whose OpenSSL has the pkcs11 engine as default: its own OpenSSL work must not
# loop back into the engine.
source "$(dirname "$0")/common.sh"
start_card
export PKCS11_MODULE_PATH=$MODULE
printf 'Podpisane przez silnik pkcs11.\n' > "$WORK/message.txt"
KEY="pkcs11:token=carta%20test;id=%21;type=private;pin-value=$PIN"

step "openssl cms -sign -engine pkcs11"
openssl cms -sign -engine pkcs11 -keyform engine -inkey "$KEY" -signer "$CARDS/rsa-cert.pem" -md sha256 \
    -binary -nodetach -outform DER -in "$WORK/message.txt" -out "$WORK/signed.p7m"
openssl cms -verify -binary -inform DER -in "$WORK/signed.p7m" -CAfile "$CARDS/ca.pem" -purpose smimesign \
    -out "$WORK/verified.txt"
cmp "$WORK/message.txt" "$WORK/verified.txt" || fail "wrong content"

step "openssl.cnf with the engine configured"
cat > "$WORK/openssl.cnf" <<CNF
openssl_conf = init
[init]
engines = engines
[engines]
pkcs11 = pkcs11_engine
[pkcs11_engine]
engine_id = pkcs11
MODULE_PATH = $MODULE
init = 0
CNF
OPENSSL_CONF=$WORK/openssl.cnf openssl pkeyutl -engine pkcs11 -keyform engine -inkey "$KEY" -sign \
    -in <(openssl dgst -sha256 -binary "$WORK/message.txt") -pkeyopt digest:sha256 -out "$WORK/sig"
openssl x509 -in "$CARDS/rsa-cert.pem" -pubkey -noout > "$WORK/rsa.pub"
openssl dgst -sha256 -verify "$WORK/rsa.pub" -signature "$WORK/sig" "$WORK/message.txt"
echo "OK"
