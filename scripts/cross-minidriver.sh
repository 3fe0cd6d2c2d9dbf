#!/usr/bin/env bash
# Cross-builds carta-minidriver.dll (minidriver/, docs/windows.md) with mingw-w64 for
# 64-bit and 32-bit Windows, and checks what it exports and imports:
#   exports: CardAcquireContext only (undecorated, also on i686)
#   imports: KERNEL32, msvcrt, WinSCard, bcrypt and nothing else (libstdc++, libgcc and
#            winpthread are linked in statically: a Windows machine has none of them)
# Only the DLL's sources are built (the card core without PC/SC's Linux side), at -O2
# without debug information, so that CI's stage stays short.
#   CARTA_CROSS_ARCHS       architectures (default "x86_64 i686")
#   CARTA_CROSS_BUILD_DIR   prefix of the build trees (default build-mingw: build-mingw-x86_64, ...)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

archs=${CARTA_CROSS_ARCHS:-x86_64 i686}
prefix=${CARTA_CROSS_BUILD_DIR:-build-mingw}
allowed_imports='^(kernel32|msvcrt|winscard|bcrypt)\.dll$'
status=0

for arch in $archs; do
  dir=$prefix-$arch
  compiler=$arch-w64-mingw32-g++-posix
  command -v "$compiler" >/dev/null || {
    echo "cross-minidriver: $compiler missing (scripts/setup-debian.sh installs it)" >&2
    exit 1
  }
  cmake -S minidriver -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-$arch.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
  cmake --build "$dir"
  dll=$dir/carta-minidriver.dll
  headers=$("$arch-w64-mingw32-objdump" -p "$dll")

  # The export table's names: the lines after "[Ordinal/Name Pointer] Table".
  exports=$(awk '/\[Ordinal\/Name Pointer\] Table/ {on = 1; next} on && /^\t\[/ {print $NF; next} on {on = 0}' \
    <<<"$headers")
  imports=$(awk '/DLL Name:/ {print $3}' <<<"$headers")
  echo "cross-minidriver: $arch: $dll, $(stat -c %s "$dll") bytes"
  echo "  exports: $(tr '\n' ' ' <<<"$exports")"
  echo "  imports: $(tr '\n' ' ' <<<"$imports")"
  if [[ $exports != "CardAcquireContext" ]]; then
    echo "cross-minidriver: $arch: the DLL must export CardAcquireContext only" >&2
    status=1
  fi
  unexpected=$(tr 'A-Z' 'a-z' <<<"$imports" | grep -Ev "$allowed_imports" || true)
  if [[ -n $unexpected ]]; then
    echo "cross-minidriver: $arch: unexpected imports: $(tr '\n' ' ' <<<"$unexpected")" >&2
    status=1
  fi
done
exit $status
