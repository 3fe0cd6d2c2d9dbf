# Shared by the client tests (sourced): a private pcscd with carta-sim holding a
# copy of a prepared card, a private temporary directory, cleanup on exit.
# Environment (set by tests/pkcs11/CMakeLists.txt): CARTA_PKCS11_MODULE, CARTA_SIM,
# CARTA_SIMCARD_SCRIPT, CARTA_PKCS11_TEST_CARDS, CARTA_TEMPLATE_CARD.
set -euo pipefail
: "${CARTA_PKCS11_MODULE:?}" "${CARTA_SIM:?}" "${CARTA_SIMCARD_SCRIPT:?}" "${CARTA_PKCS11_TEST_CARDS:?}"

MODULE=$CARTA_PKCS11_MODULE
CARDS=$CARTA_PKCS11_TEST_CARDS
PIN=123456
PUK=87654321
TOKEN="carta test"
# Short path: pcscd's socket lives in here (Unix socket paths are limited to 108 bytes).
WORK=$(mktemp -d /tmp/carta-p11c.XXXXXX)
export XDG_CACHE_HOME=$WORK/cache HOME=$WORK/home
mkdir -p "$HOME"

cleanup() {
    unset LD_PRELOAD
    "$CARTA_SIMCARD_SCRIPT" down --purge --dir "$WORK/sim" > /dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { echo "== $*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# expect TEXT PATTERN WHAT: TEXT must match the extended regex PATTERN.
expect() {
    grep -Eq -- "$2" <<< "$1" || fail "$3 (no match for /$2/)"
}

# A module built with -DCARTA_SANITIZE=ON needs the sanitizer runtimes loaded
# first in the (uninstrumented) client processes; their own leaks are not ours.
sanitizer_runtimes() {
    local runtimes
    runtimes=$(ldd "$MODULE" | awk '/libasan|libubsan/ {print $3}' | tr '\n' ' ')
    if [ -n "${runtimes// /}" ]; then
        export LD_PRELOAD="$runtimes"
        export ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0"
    fi
}

# start_card [STATE]: the ready card (initialised, keys, certificates) or STATE.
start_card() {
    cp "${1:-$CARDS/ready.state}" "$WORK/card.state"
    eval "$("$CARTA_SIMCARD_SCRIPT" up --dir "$WORK/sim" --state "$WORK/card.state" --sim "$CARTA_SIM" --owner-pid $$)"
    sanitizer_runtimes
}

p11() { pkcs11-tool --module "$MODULE" "$@"; }

# The public keys of the card's two certificates, to check its signatures with: $WORK/rsa.pub, $WORK/ec.pub.
card_public_keys() {
    openssl x509 -in "$CARDS/rsa-cert.pem" -pubkey -noout > "$WORK/rsa.pub"
    openssl x509 -in "$CARDS/ec-cert.pem" -pubkey -noout > "$WORK/ec.pub"
}

# sign_with TOOL ID MECHANISM [extra args]: pkcs11-tool through TOOL (p11, or a wrapper for another
# module) signs $WORK/data with the card's key ID into $WORK/sig, logged in with the test PIN.
sign_with() {
    local tool=$1 id=$2 mechanism=$3
    shift 3
    "$tool" --token-label "$TOKEN" --login --pin "$PIN" --sign --id "$id" --mechanism "$mechanism" \
        -i "$WORK/data" -o "$WORK/sig" "$@"
}
