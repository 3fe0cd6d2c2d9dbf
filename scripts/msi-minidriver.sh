#!/usr/bin/env bash
# Packs the cross-built DLLs (scripts/cross-minidriver.sh) and their registration into
# carta-minidriver.msi with wixl (msitools; scripts/setup-debian.sh installs them). CI builds
# it and checks its registry values; nothing here can install it: docs/windows.md says what a
# Windows machine must confirm.
#   CARTA_CROSS_BUILD_DIR   prefix of the cross build trees (default build-mingw)
#   output: $CARTA_CROSS_BUILD_DIR-msi/carta-minidriver.msi
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=${CARTA_CROSS_BUILD_DIR:-build-mingw}
for tool in wixl msibuild msidump; do
  command -v $tool >/dev/null || { echo "msi-minidriver: $tool missing (apt-get install wixl msitools)" >&2; exit 1; }
done
for arch in x86_64 i686; do
  [[ -f $prefix-$arch/carta-minidriver.dll ]] || CARTA_CROSS_ARCHS="x86_64 i686" scripts/cross-minidriver.sh
done
mkdir -p "$prefix-msi"
msi=$(realpath "$prefix-msi")/carta-minidriver.msi
# wixl takes the files' paths relative to the current directory only (an absolute one is not found).
dll64=$(realpath --relative-to=. "$prefix-x86_64/carta-minidriver.dll")
dll32=$(realpath --relative-to=. "$prefix-i686/carta-minidriver.dll")
wixl -a x64 -D Dll64="$dll64" -D Dll32="$dll32" \
  -o "$msi" minidriver/carta-minidriver.wxs

# wixl 0.101 writes a binary registry value as bare hex, which Windows Installer would store
# as a string: the ATR and its mask get the "#x" that makes them REG_BINARY, through an
# export, edit and import of the Registry table; then the result is checked.
dump=$(mktemp -d)
trap 'rm -rf "$dump"' EXIT
(cd "$dump" && msidump "$msi" >/dev/null)
awk -F'\t' -v OFS='\t' 'NR > 3 && ($4 == "ATR" || $4 == "ATRMask") && $5 !~ /^#x/ {$5 = "#x" $5} {print}' \
  "$dump/Registry.idt" >"$dump/Registry.new"
mv "$dump/Registry.new" "$dump/Registry.idt"
(cd "$dump" && msibuild "$msi" -i Registry.idt)
rm -rf "${dump:?}"/*
(cd "$dump" && msidump "$msi" >/dev/null)
binary=$(awk -F'\t' '($4 == "ATR" || $4 == "ATRMask") && $5 ~ /^#x[0-9A-F]+$/' "$dump/Registry.idt" | wc -l)
if ((binary != 4)); then
  echo "msi-minidriver: the ATR values are not REG_BINARY in $msi" >&2
  exit 1
fi
echo "msi-minidriver: $msi, $(stat -c %s "$msi") bytes"
