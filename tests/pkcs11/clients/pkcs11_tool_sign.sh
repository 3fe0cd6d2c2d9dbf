#!/usr/bin/env bash
# pkcs11-tool --sign, every signature verified by OpenSSL with the certificate's key.
source "$(dirname "$0")/common.sh"
start_card
printf 'Wiadomość do podpisania.\n' > "$WORK/data"
card_public_keys
sign() { sign_with p11 "$@"; }  # sign ID MECHANISM [extra args]

for hash in SHA1 SHA224 SHA256 SHA384 SHA512; do
    step "$hash-RSA-PKCS"
    sign 21 "$hash-RSA-PKCS"
    openssl dgst "-${hash,,}" -verify "$WORK/rsa.pub" -signature "$WORK/sig" "$WORK/data"
done

step "SHA256-RSA-PKCS-PSS"
sign 21 SHA256-RSA-PKCS-PSS --salt-len -1
openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 -verify "$WORK/rsa.pub" \
    -signature "$WORK/sig" "$WORK/data"

step "RSA-PKCS over a DigestInfo made by OpenSSL"
openssl dgst -sha256 -binary "$WORK/data" > "$WORK/hash"
printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20' | cat - "$WORK/hash" > "$WORK/digestinfo"
p11 --token-label "$TOKEN" --login --pin "$PIN" --sign --id 21 --mechanism RSA-PKCS -i "$WORK/digestinfo" -o "$WORK/sig"
openssl dgst -sha256 -verify "$WORK/rsa.pub" -signature "$WORK/sig" "$WORK/data"

for hash in SHA256 SHA384; do
    step "ECDSA-$hash"
    sign 31 "ECDSA-$hash" --signature-format openssl
    openssl dgst "-${hash,,}" -verify "$WORK/ec.pub" -signature "$WORK/sig" "$WORK/data"
done
echo "OK"
