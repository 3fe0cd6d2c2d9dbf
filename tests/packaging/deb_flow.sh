#!/usr/bin/env bash
# The packages as built, used as installed: both .deb files are unpacked (dpkg-deb -x) into
# a temporary root, and the README's S/MIME flow (scripts/smime-flow.sh) runs with the
# unpacked carta, libcarta-pkcs11.so (loaded by NSS), carta-sim and carta-simcard (which
# must find the unpacked one-slot reader beside carta-sim); then the unpacked completion
# is checked as in the build tree (lintian has read the manual pages).
#   tests/packaging/deb_flow.sh [DEB_DIR]      (default build/deb: scripts/package.sh's)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
deb_dir=${1:-${CARTA_BUILD_DIR:-build}/deb}
fail() {
    echo "deb_flow: FAIL: $*" >&2
    exit 1
}
shopt -s nullglob
debs=("$deb_dir"/carta_*.deb "$deb_dir"/carta-sim_*.deb)
((${#debs[@]} == 2)) || fail "expected carta and carta-sim .deb files in $deb_dir (scripts/package.sh), found ${debs[*]:-none}"
SECONDS=0

# Short: pcscd's socket path lives under it (Unix socket paths are limited to 108 bytes).
tmp=$(mktemp -d /tmp/carta-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$root"; done
module=$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/pkcs11/libcarta-pkcs11.so

# Nothing from the build tree or the repository's scripts may stand in for the unpacked files.
env -u CARTA_BUILD_DIR CARTA_SKIP_SETUP=1 CARTA_DEMO_DIR="$tmp/demo" \
    CARTA_CLI="$root/usr/bin/carta" \
    CARTA_PKCS11_MODULE="$module" \
    CARTA_SIM="$root/usr/bin/carta-sim" CARTA_SIMCARD="$root/usr/bin/carta-simcard" \
    scripts/smime-flow.sh >"$tmp/flow.log" 2>&1 || { cat "$tmp/flow.log" >&2; fail "the S/MIME flow failed"; }
grep -E '^ +(signed message|decrypted) ' "$tmp/flow.log"
grep -q "Library file: $module\$" "$tmp/flow.log" || fail "NSS did not load $module"
grep -q "LIBPATH .*libifdcarta-one-slot.so" "$tmp/demo/card/reader.conf" ||
    fail "carta-simcard did not find the package's one-slot reader: $(cat "$tmp/demo/card/reader.conf")"
echo "deb_flow: the S/MIME flow passed with the unpacked packages (${SECONDS}s)"

bash tests/packaging/completion.sh "$root/usr/share/bash-completion/completions/carta" "$root/usr/bin/carta" >/dev/null ||
    fail "the package's bash completion"
echo "deb_flow: the package's bash completion works"
