#!/usr/bin/env bash
# pkcs11-tool --decrypt of ciphertexts OpenSSL made for the card's certificate:
# PKCS#1 v1.5 and OAEP (SHA-1, SHA-256).
source "$(dirname "$0")/common.sh"
start_card
printf 'klucz sesji' > "$WORK/plain"
openssl x509 -in "$CARDS/rsa-cert.pem" -pubkey -noout > "$WORK/rsa.pub"
decrypt() {  # decrypt CIPHERTEXT MECHANISM [extra args]
    local ciphertext=$1 mechanism=$2
    shift 2
    p11 --token-label "$TOKEN" --login --pin "$PIN" --decrypt --id 21 --mechanism "$mechanism" \
        -i "$ciphertext" -o "$WORK/out" "$@"
    cmp "$WORK/plain" "$WORK/out" || fail "$mechanism: wrong plaintext"
}

step "PKCS#1 v1.5"
openssl pkeyutl -encrypt -pubin -inkey "$WORK/rsa.pub" -in "$WORK/plain" -out "$WORK/ct-pkcs"
decrypt "$WORK/ct-pkcs" RSA-PKCS

step "OAEP SHA-1"
openssl pkeyutl -encrypt -pubin -inkey "$WORK/rsa.pub" -pkeyopt rsa_padding_mode:oaep \
    -in "$WORK/plain" -out "$WORK/ct-oaep1"
decrypt "$WORK/ct-oaep1" RSA-PKCS-OAEP --hash-algorithm SHA-1 --mgf MGF1-SHA1

step "OAEP SHA-256"
openssl pkeyutl -encrypt -pubin -inkey "$WORK/rsa.pub" -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in "$WORK/plain" -out "$WORK/ct-oaep256"
decrypt "$WORK/ct-oaep256" RSA-PKCS-OAEP --hash-algorithm SHA256 --mgf MGF1-SHA256
echo "OK"
