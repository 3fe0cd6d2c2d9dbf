#!/usr/bin/env bash
# NSS (what Thunderbird uses): the module added to a fresh database, the card's
# certificate listed, an S/MIME message signed through the card and verified by
# NSS and by OpenSSL, and a message encrypted to the certificate decrypted
# through the card.
source "$(dirname "$0")/common.sh"
start_card
DB="sql:$WORK/nssdb"
mkdir "$WORK/nssdb"
echo "$PIN" > "$WORK/pwfile"  # NSS tools read the PIN from a file when not on a terminal
certutil -N -d "$DB" --empty-password

step "modutil -add"
modutil -dbdir "$DB" -add carta -libfile "$MODULE" -force
# modutil exits non-zero for a slot without a token: there must be none (the
# simulated card is one reader, scripts/simcard), and NSS takes the 3.0 interface.
out=$(modutil -dbdir "$DB" -list carta -force 2>&1) || fail "modutil -list: $out"
echo "$out"
expect "$out" "Token Name: carta test" "NSS sees the token"
expect "$out" "PKCS #11 Version 3\.0" "NSS uses the PKCS#11 3.0 interface"

step "certutil -L -h all"
out=$(certutil -L -d "$DB" -h all -f "$WORK/pwfile")
echo "$out"
expect "$out" "carta test:Jan Testowy" "the user's certificate on the card"
expect "$out" "carta test:carta Test CA" "the CA certificate on the card"

step "cmsutil -S (sign through the card)"
certutil -A -d "$DB" -n "carta Test CA" -t "CT,C,C" -i "$CARDS/ca.pem"
printf 'Content-Type: text/plain\r\n\r\nPodpisana wiadomość.\r\n' > "$WORK/message.txt"
cmsutil -S -d "$DB" -f "$WORK/pwfile" -N "carta test:Jan Testowy" -H SHA256 \
    -i "$WORK/message.txt" -o "$WORK/signed.p7m"

step "cmsutil -D -h 0 (NSS verifies)"
out=$(cmsutil -D -d "$DB" -f "$WORK/pwfile" -h 0 -i "$WORK/signed.p7m")
echo "$out"
expect "$out" "signer0.status=GoodSignature" "NSS verifies the signature"

step "openssl cms -verify"
openssl cms -verify -inform DER -in "$WORK/signed.p7m" -CAfile "$CARDS/ca.pem" -purpose smimesign \
    -out "$WORK/verified.txt"
cmp "$WORK/message.txt" "$WORK/verified.txt" || fail "OpenSSL returned other content"

step "openssl cms -encrypt, cmsutil -D decrypts through the card"
printf 'Tajna wiadomość dla Jana.\n' > "$WORK/secret.txt"
openssl cms -encrypt -binary -aes256 -outform DER -in "$WORK/secret.txt" -out "$WORK/encrypted.p7m" "$CARDS/rsa-cert.pem"
cmsutil -D -d "$DB" -f "$WORK/pwfile" -i "$WORK/encrypted.p7m" -o "$WORK/decrypted.txt"
cmp "$WORK/secret.txt" "$WORK/decrypted.txt" || fail "wrong plaintext"
cat "$WORK/decrypted.txt"
echo "OK"
