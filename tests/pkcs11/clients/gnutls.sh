#!/usr/bin/env bash
# GnuTLS: p11tool with the module given directly, and through a p11-kit
# registration (carta.module) the way p11-kit-proxy users find the card. The
# registration is made visible in a private mount namespace only: a directory
# holding just carta.module is mounted over p11-kit's module directory for this
# test, nothing is installed on the system.
source "$(dirname "$0")/common.sh"
start_card
URL="pkcs11:token=carta%20test"

step "p11tool --provider MODULE --list-all"
out=$(p11tool --provider "$MODULE" --list-all "$URL")
echo "$out"
expect "$out" "Type: X.509 Certificate" "the certificates"
expect "$out" "Label: Jan Testowy" "the user's certificate"
expect "$out" "Type: Public key \(RSA-2048\)" "the RSA public key"

step "p11tool --provider MODULE --login --list-privkeys"
out=$(GNUTLS_PIN=$PIN p11tool --provider "$MODULE" --login --list-privkeys "$URL")
echo "$out"
expect "$out" "Type: Private key \(RSA-2048\)" "the private key after login"

step "p11tool --list-all through the p11-kit registration"
moddir=$(pkg-config --variable=p11_module_configs p11-kit-1 2> /dev/null || echo /usr/share/p11-kit/modules)
mkdir -p "$WORK/modules"
printf 'module: %s\n' "$MODULE" > "$WORK/modules/carta.module"
userns=()
if [ "$(id -u)" != 0 ]; then userns=(-r); fi
proxy=$(ls /usr/lib/*/p11-kit-proxy.so /usr/lib/p11-kit-proxy.so 2> /dev/null | head -1 || true)
out=$(unshare "${userns[@]}" -m --propagation private bash -c '
    set -e
    mount --bind "$1" "$2"
    p11tool --list-tokens
    echo "-- objects"
    p11tool --list-all "$3"
    if [ -n "$4" ]; then echo "-- p11-kit-proxy"; pkcs11-tool --module "$4" -L; fi
' _ "$WORK/modules" "$moddir" "$URL" "$proxy")
echo "$out"
expect "$out" "manufacturer=Certum%20common%20profile%20v.1" "p11-kit lists the common profile's token"
expect "$out" "Label: Jan Testowy" "p11tool lists the card's objects through p11-kit"
if [ -n "$proxy" ]; then expect "$out" "token label +: carta test" "p11-kit-proxy offers the card"; fi
echo "OK"
