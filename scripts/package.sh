#!/usr/bin/env bash
# The Debian packages, from the built tree (CPack, packaging/CMakeLists.txt): nothing is
# compiled a second time.
#   scripts/package.sh   installs what is missing (scripts/setup-debian.sh), builds what is
#                        not built, then makes in build/deb/
#                          carta_VERSION_amd64.deb      the module, its p11-kit registration,
#                                                       carta, manual pages, bash completion
#                          carta-sim_VERSION_amd64.deb  carta-sim, carta-simcard: for QA
#                        runs lintian (fails on any error) and checks what each package holds
#                        and depends on
# Then: apt install ./build/deb/carta_*.deb
#   CARTA_BUILD_DIR      the build tree (default build); built first if it is not
#   CARTA_SKIP_SETUP=1   no package install (scripts/test.sh has done it)
# The packages use Debian's paths (/usr/lib/x86_64-linux-gnu/pkcs11/ ...): the tree is
# configured with CMAKE_INSTALL_PREFIX=/usr, here if it was not (then `cmake --install`
# of that tree installs under /usr too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${CARTA_BUILD_DIR:-build}
out=$build/deb
SECONDS=0

[[ ${CARTA_SKIP_SETUP:-0} == 1 ]] || scripts/setup-debian.sh >/dev/null
if [[ ! -f $build/CMakeCache.txt ]]; then
  CARTA_BUILD_DIR=$build scripts/build.sh -DCMAKE_INSTALL_PREFIX=/usr
elif ! grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' "$build/CMakeCache.txt"; then
  echo "package: configuring $build with CMAKE_INSTALL_PREFIX=/usr (Debian's paths)"
  cmake -S . -B "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
fi
if grep -qE '^CARTA_(SANITIZE|FUZZ|TSAN):BOOL=ON' "$build/CMakeCache.txt"; then
  echo "package: $build is a sanitizer tree; package a normal one" >&2
  exit 1
fi
# Up to date after scripts/build.sh; otherwise builds what is missing (the pages, at least).
cmake --build "$build" >/dev/null

rm -rf "$out"
cpack --config "$build/CPackConfig.cmake" -B "$out" >"$build/cpack.log" 2>&1 ||
  { cat "$build/cpack.log" >&2; echo "package: cpack failed" >&2; exit 1; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
carta_deb=$out/carta_${version}_${arch}.deb
sim_deb=$out/carta-sim_${version}_${arch}.deb
for deb in "$carta_deb" "$sim_deb"; do
  [[ -f $deb ]] || { echo "package: cpack made no $deb" >&2; exit 1; }
done
echo "package: $carta_deb $sim_deb (${SECONDS}s)"

fail() { echo "package: FAIL: $*" >&2; exit 1; }

# Each package holds exactly these files: a file installed by a new install() rule must be
# placed in a package here on purpose.
expect_files() {  # DEB FILE...
  local deb=$1 got want
  shift
  got=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort)
  want=$(printf '%s\n' "$@" | sort)
  [[ $got == "$want" ]] || fail "$(basename "$deb") holds:"$'\n'"$got"$'\n'"expected:"$'\n'"$want"
}
expect_files "$carta_deb" \
  /usr/bin/carta \
  "/usr/lib/$multiarch/pkcs11/libcarta-pkcs11.so" \
  /usr/share/p11-kit/modules/carta.module \
  /usr/share/man/man1/carta.1.gz \
  /usr/share/man/man7/carta-pkcs11.7.gz \
  /usr/share/bash-completion/completions/carta \
  /usr/share/doc/carta/copyright \
  /usr/share/doc/carta/changelog.gz \
  /usr/share/lintian/overrides/carta
expect_files "$sim_deb" \
  /usr/bin/carta-sim \
  /usr/bin/carta-simcard \
  "/usr/lib/$multiarch/carta/libifdcarta-one-slot.so" \
  /usr/share/man/man1/carta-sim.1.gz \
  /usr/share/man/man1/carta-simcard.1.gz \
  /usr/share/bash-completion/completions/carta-sim \
  /usr/share/doc/carta-sim/copyright \
  /usr/share/doc/carta-sim/changelog.gz

# p11-kit's registration names the module where the package puts it.
module_line=$(dpkg-deb --fsys-tarfile "$carta_deb" | tar -xO ./usr/share/p11-kit/modules/carta.module | grep '^module:')
[[ $module_line == "module: /usr/lib/$multiarch/pkcs11/libcarta-pkcs11.so" ]] ||
  fail "carta.module says '$module_line'"

expect_depends() {  # DEB PACKAGE...
  local deb=$1 depends name
  shift
  depends=$(dpkg-deb -f "$deb" Depends)
  for name in "$@"; do
    [[ ", $depends," == *", $name "* || ", $depends," == *", $name,"* ]] ||
      fail "$(basename "$deb"): Depends lacks $name: $depends"
  done
}
expect_depends "$carta_deb" pcscd libpcsclite1 libssl3 libstdc++6 libc6
expect_depends "$sim_deb" pcscd vsmartcard-vpcd python3 mount libpcsclite1 libssl3

# The changelog's newest entry is this version (lintian compares nothing for a package
# built without a source package).
changelog_version=$(sed -n '1s/^carta (\([^)]*\)).*/\1/p' packaging/changelog)
[[ $changelog_version == "$version" ]] ||
  fail "packaging/changelog's newest entry is $changelog_version, the package $version: add an entry"
echo "package: contents, Depends and changelog checked"

# lintian: any error fails; warnings and the rest are printed (overrides, each with its
# reason, in packaging/<package>.lintian-overrides).
lintian_start=$SECONDS
status=0
lintian --fail-on error --display-info "$carta_deb" "$sim_deb" 2>&1 |
  grep -v '^running with root privileges is not recommended!$' || status=${PIPESTATUS[0]}
((status == 0)) || fail "lintian found errors"
echo "package: lintian passed ($((SECONDS - lintian_start))s); done in ${SECONDS}s"
