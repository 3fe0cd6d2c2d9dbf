#!/usr/bin/env bash
# The main job: the Certum S/MIME Mailbox activation flow, end to end, on the
# simulated card. Installs what is missing, builds, then:
#   card up -> init (PIN, PUK) -> RSA-2048 on the card -> CSR -> a local test CA
#   issues the certificate -> certificate and CA chain stored on the card ->
#   Thunderbird's NSS loads libcarta-pkcs11.so -> S/MIME signed (cmsutil) and
#   verified (openssl cms) -> a message encrypted to the card decrypted through it.
#
#   scripts/smime-flow.sh            (as root on Debian 12; a second run re-creates the card)
#   CARTA_DEMO_DIR=DIR               where the card, CA and messages go (default: ./demo)
#   CARTA_PIN / CARTA_PUK            the codes to set (defaults for the demo: 123456 / 12345678)
#   CARTA_SKIP_SETUP=1               skip the package install and build (already done)
#   CARTA_BUILD_DIR=DIR              the build tree (default: ./build)
#   CARTA_CLI, CARTA_PKCS11_MODULE,  other carta, libcarta-pkcs11.so, carta-sim and simcard
#   CARTA_SIM, CARTA_SIMCARD         than the build tree's and scripts/simcard (the
#                                    installed or extracted packages': tests/packaging/deb_flow.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=$(realpath -m "${CARTA_BUILD_DIR:-build}")
work=$(realpath -m "${CARTA_DEMO_DIR:-demo}")
email=joedoe@yourdomain.com
export CARTA_PIN=${CARTA_PIN:-123456}
export CARTA_PUK=${CARTA_PUK:-12345678}

step_no=0
step() { step_no=$((step_no + 1)); printf '\n\033[1m[%d] %s\033[0m\n' "$step_no" "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'smime-flow: %s\n' "$*" >&2; exit 1; }
# Runs a command with its stderr kept aside, shown only if it fails.
quiet() { "$@" 2>"$work/last-error.log" || { cat "$work/last-error.log" >&2; die "failed: $*"; }; }

if [[ ${CARTA_SKIP_SETUP:-0} != 1 ]]; then
  step "Install missing Debian packages and build carta"
  scripts/setup-debian.sh
  CARTA_BUILD_DIR=$build scripts/build.sh >"$work.build.log" 2>&1 || { tail -30 "$work.build.log"; die "build failed"; }
  note "build log: $work.build.log"
fi
carta=${CARTA_CLI:-$build/manager/carta}
module=${CARTA_PKCS11_MODULE:-$build/pkcs11/libcarta-pkcs11.so}
export CARTA_SIM=${CARTA_SIM:-$build/simulator/carta-sim}
simcard=${CARTA_SIMCARD:-scripts/simcard}
for f in "$carta" "$module" "$CARTA_SIM" "$simcard"; do [[ -x $f || -f $f ]] || die "missing $f (build first)"; done

# ---------------------------------------------------------------- the card
step "Bring up the simulated card: a private pcscd with carta-sim in its vpcd reader"
if [[ -d $work/card ]]; then
  "$simcard" down --dir "$work/card" --purge >/dev/null 2>&1 || true
  rm -rf "$work"
  note "an earlier run's card was found: re-creating it as a new, uninitialised card"
else
  note "no earlier card: creating a new one"
fi
mkdir -p "$work"
trap '"$simcard" down --dir "$work/card" >/dev/null 2>&1 || true' EXIT
exports=$("$simcard" up --dir "$work/card" 2>"$work/simcard.log") || { cat "$work/simcard.log"; die "simulated card did not come up"; }
eval "$exports"
export XDG_CACHE_HOME=$work/cache
note "reader: $CARTA_READER (PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME)"
"$carta" status | sed 's/^/    /'

step "Initialise the common profile: set PUK and PIN (from CARTA_PUK / CARTA_PIN)"
"$carta" init --label "Joe Doe" | sed 's/^/    /'

step "Generate an RSA-2048 key pair on the card (the private key never leaves it)"
"$carta" key generate --algorithm rsa2048 --label "S/MIME $email"

step "Make the certificate request (PKCS#10, SHA-256, signed on the card)"
"$carta" csr --key "S/MIME $email" --email "$email" --cn "Joe Doe" --out "$work/joedoe.csr" | sed 's/^/    /'
"$carta" csr check "$work/joedoe.csr" | sed 's/^/    /'

# ---------------------------------------------------------------- the CA
step "A local test CA (standing in for Certum) issues the S/MIME certificate"
ca=$work/ca
mkdir -p "$ca"
quiet openssl req -x509 -newkey rsa:3072 -nodes -keyout "$ca/ca.key" -out "$ca/ca.pem" -days 3650 -sha256 \
  -subj "/O=carta demo/CN=carta Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
cat >"$ca/smime.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment
extendedKeyUsage=emailProtection
subjectAltName=email:$email
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
quiet openssl x509 -req -in "$work/joedoe.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
  -days 365 -sha256 -extfile "$ca/smime.ext" -out "$work/joedoe.pem"
openssl x509 -in "$work/joedoe.pem" -noout -subject -issuer -ext subjectAltName | sed 's/^/    /'
cat "$work/joedoe.pem" "$ca/ca.pem" >"$work/joedoe-chain.pem"

step "Store the certificate and its CA chain on the card"
"$carta" cert import "$work/joedoe-chain.pem" --ca | sed 's/^/    /'
"$carta" list | sed 's/^/    /'

# ---------------------------------------------------------------- Thunderbird's NSS
step "Load libcarta-pkcs11.so into a fresh NSS database, as Thunderbird does"
nss=$work/nss
mkdir -p "$nss"
printf '%s\n' "$CARTA_PIN" >"$work/pin.txt"
chmod 600 "$work/pin.txt"
quiet certutil -N -d "sql:$nss" --empty-password
quiet modutil -dbdir "sql:$nss" -add "carta" -libfile "$module" -force >/dev/null
modutil -dbdir "sql:$nss" -list carta 2>/dev/null | grep -E "Name:|Library file:|Slot:|Token:" | sed 's/^ */    /'
certutil -A -d "sql:$nss" -n "carta Test CA" -t "CT,C,C" -i "$ca/ca.pem"
certutil -L -d "sql:$nss" -h all -f "$work/pin.txt" | sed 's/^/    /'
nickname=$(certutil -L -d "sql:$nss" -h all -f "$work/pin.txt" | sed -n 's/^\(.*:.*[^ ]\) \{2,\}[a-zA-Z,]*$/\1/p' |
  grep -v "carta Test CA" | head -1)
[[ -n $nickname ]] || die "NSS does not show the card's certificate"
note "signing certificate in NSS: $nickname"

step "Sign an S/MIME message with NSS cmsutil through the card"
cat >"$work/message.txt" <<EOF
Content-Type: text/plain; charset=utf-8

Hello from Joe Doe. This message was signed with a key that never left the card.
EOF
quiet cmsutil -S -d "sql:$nss" -N "$nickname" -f "$work/pin.txt" -H SHA256 -i "$work/message.txt" -o "$work/signed.p7m"
{
  printf 'From: Joe Doe <%s>\nTo: %s\nSubject: signed with carta\nMIME-Version: 1.0\n' "$email" "$email"
  printf 'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\n'
  printf 'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="smime.p7m"\n\n'
  base64 -w 76 "$work/signed.p7m"
} >"$work/signed.eml"
note "signed message: $work/signed.eml"

step "Verify the signature with OpenSSL against the test CA"
openssl cms -verify -inform DER -in "$work/signed.p7m" -CAfile "$ca/ca.pem" -purpose smimesign \
  -out "$work/verified.txt" 2>"$work/verify.log" || { cat "$work/verify.log"; die "signature does not verify"; }
cmp -s "$work/verified.txt" "$work/message.txt" || die "verified content differs from the message"
note "$(cat "$work/verify.log")"

step "Encrypt a message to the card's certificate and decrypt it through the card (NSS cmsutil)"
printf 'A secret for Joe only.\n' >"$work/secret.txt"
quiet openssl cms -encrypt -binary -aes256 -in "$work/secret.txt" -outform DER -out "$work/encrypted.p7m" "$work/joedoe.pem"
quiet cmsutil -D -d "sql:$nss" -f "$work/pin.txt" -i "$work/encrypted.p7m" -o "$work/decrypted.txt"
cmp -s "$work/decrypted.txt" "$work/secret.txt" || die "decrypted text differs"
note "decrypted: $(cat "$work/decrypted.txt")"

rm -f "$work/pin.txt"
step "Done"
card_number=$("$carta" status --json | sed -n 's/.*"card_number": "\([0-9]*\)".*/\1/p')
cat <<EOF
    card              $card_number (simulated; state in $work/card/card.state)
    key               RSA-2048 generated on the card, label "S/MIME $email"
    certificate       $(openssl x509 -in "$work/joedoe.pem" -noout -subject | sed 's/^subject=//')
    signed message    $work/signed.eml   (CMS: $work/signed.p7m) - verified by openssl cms
    decrypted         $work/decrypted.txt - via NSS cmsutil through the card
    the simulated card and its pcscd are stopped now.
EOF
