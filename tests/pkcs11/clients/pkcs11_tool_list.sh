#!/usr/bin/env bash
# pkcs11-tool -L and -O: the slots, the tokens and what is on them.
source "$(dirname "$0")/common.sh"
start_card

step "pkcs11-tool -I (through C_GetInterface)"
out=$(p11 -I)
echo "$out"
expect "$out" "Cryptoki version 3\.0" "pkcs11-tool uses the 3.0 interface"

step "pkcs11-tool -L"
out=$(p11 -L)
echo "$out"
if grep -q "00 01" <<< "$out"; then fail "a slot of vpcd's second, empty reader"; fi
expect "$out" "\(common profile\)" "a slot for the common profile"
expect "$out" "\(secure profile\)" "a slot for the secure profile"
expect "$out" "token label +: carta test" "the common profile's label"
expect "$out" "token manufacturer +: Certum common profile v\.1" "the manufacturer"
expect "$out" "token model +: cryptoCertum 3.6" "the model"
expect "$out" "serial num +: [0-9]{16}" "the card number as serial"
expect "$out" "login required.*token initialized, PIN initialized" "the token flags"
expect "$out" "pin min/max +: 4/32" "the PIN length range"

step "pkcs11-tool -O (public objects)"
out=$(p11 --token-label "$TOKEN" -O)
echo "$out"
expect "$out" "label: +Jan Testowy" "the user's certificate"
expect "$out" "label: +carta Test CA" "the CA certificate"
expect "$out" "Public Key Object; RSA 2048 bits" "the RSA public key"
expect "$out" "Public Key Object; EC" "the EC public key"
expect "$out" "profile_id: +CKP_PUBLIC_CERTIFICATES_TOKEN" "the profile object (certificates readable without login)"
if grep -q "Private Key Object" <<< "$out"; then fail "private keys visible before login"; fi

step "pkcs11-tool -O --login"
out=$(p11 --token-label "$TOKEN" -O --login --pin "$PIN")
echo "$out"
expect "$out" "Private Key Object; RSA" "the RSA private key after login"
expect "$out" "Access: +sensitive, always sensitive, never extractable, local" "the private key's flags"
echo "OK"
