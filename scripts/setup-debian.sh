#!/usr/bin/env bash
# Installs the Debian packages carta needs to build and test, and only those
# that are missing. Idempotent: with everything present it touches nothing
# (no apt-get update). Never starts system services (pcscd included): package
# scripts are stopped from doing so with a temporary policy-rc.d.
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config
  libpcsclite-dev libssl-dev libp11-kit-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  python3
  clang libclang-rt-14-dev    # the sanitizer tree and the fuzzers: ASan, UBSan, libFuzzer
  g++-mingw-w64-x86-64-posix g++-mingw-w64-i686-posix  # carta-minidriver.dll (scripts/cross-minidriver.sh)
  wixl msitools               # carta-minidriver.msi (scripts/msi-minidriver.sh)
  lintian                     # checks the .deb files (scripts/package.sh)
  man-db groff-base           # man, lexgrog and groff: the manual pages' tests (tests/packaging)
  dpkg-dev file               # CPack's DEB generator: dpkg-shlibdeps finds Depends, file finds ELF files
)
runtime_pkgs=(
  pcscd vsmartcard-vpcd opensc libnss3-tools softhsm2
  libengine-pkcs11-openssl gnutls-bin p11-kit p11-kit-modules openssl
  util-linux procps gnuplot-nox
  thunderbird
)

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for pkg in "${build_pkgs[@]}" "${runtime_pkgs[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "setup-debian: all $((${#build_pkgs[@]} + ${#runtime_pkgs[@]})) packages present"
  exit 0
fi
echo "setup-debian: installing ${missing[*]}"

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "setup-debian: need root (or sudo) to install" >&2; exit 1; }
  sudo=(sudo)
fi

# Keep package maintainer scripts from starting services (invoke-rc.d and
# deb-systemd-invoke both honour policy-rc.d; exit 101 = action forbidden).
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# temporary, from carta scripts/setup-debian.sh\nexit 101\n' |
    "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
     -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
for attempt in 1 2 3; do
  "${apt[@]}" update && break
  ((attempt < 3)) || exit 1
  sleep $((attempt * 5))
done
for attempt in 1 2 3; do
  "${apt[@]}" install --no-install-recommends "${missing[@]}" && break
  ((attempt < 3)) || exit 1
  sleep $((attempt * 5))
done

still=()
for pkg in "${missing[@]}"; do installed "$pkg" || still+=("$pkg"); done
if ((${#still[@]})); then
  echo "setup-debian: still missing: ${still[*]}" >&2
  exit 1
fi
echo "setup-debian: done"
