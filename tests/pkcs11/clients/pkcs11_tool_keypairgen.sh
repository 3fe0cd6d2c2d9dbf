#!/usr/bin/env bash
# pkcs11-tool --keypairgen: RSA and EC keys generated on the card.
source "$(dirname "$0")/common.sh"
start_card

step "RSA-2048 key pair"
out=$(p11 --token-label "$TOKEN" --login --pin "$PIN" --keypairgen --key-type rsa:2048 --label "nowy RSA" 2>&1)
echo "$out"
expect "$out" "Key pair generated" "RSA key generation"
expect "$out" "Access: +sensitive, always sensitive, never extractable, local" "a key made on the card"

step "EC P-256 key pair"
out=$(p11 --token-label "$TOKEN" --login --pin "$PIN" --keypairgen --key-type EC:prime256v1 --label "nowy EC" 2>&1)
echo "$out"
expect "$out" "Key pair generated" "EC key generation"
expect "$out" "EC_POINT 256 bits" "a P-256 key"

step "the new keys are on the card"
out=$(p11 --token-label "$TOKEN" --login --pin "$PIN" -O --type privkey)
echo "$out"
expect "$out" "label: +nowy RSA" "the new RSA key"
expect "$out" "label: +nowy EC" "the new EC key"

step "sign with the new RSA key (id 22)"
echo "dane" > "$WORK/data"
p11 --token-label "$TOKEN" --login --pin "$PIN" --sign --mechanism SHA256-RSA-PKCS --id 22 \
    -i "$WORK/data" -o "$WORK/sig"
p11 --token-label "$TOKEN" --read-object --type pubkey --id 22 -o "$WORK/pub.der"
openssl dgst -sha256 -verify "$WORK/pub.der" -keyform DER -signature "$WORK/sig" "$WORK/data"
echo "OK"
