#!/usr/bin/env bash
# The benchmarks: carta's PKCS#11 module -> pcscd -> vpcd -> carta-sim (--latency
# none) against SoftHSM2 and raw OpenSSL, all measured in the same run; and the
# journeys a user feels on the same card with a real card's timings (--latency realistic).
#
#   scripts/bench.sh                 installs what is missing, builds, runs, writes bench/results/
#   scripts/bench.sh --quick         a smoke run (seconds); results in BUILD/bench/quick-results
#
# Options: --quick, --no-build (skip package install and build), --build-dir DIR
# (default $CARTA_BUILD_DIR or build), --out DIR (default bench/results, or
# BUILD/bench/quick-results with --quick). Writes OUT/results.md, OUT/results.json
# and OUT/sign-throughput.png, and prints the table. Everything else (the card,
# its private pcscd, the SoftHSM2 token, caches, traces) lives in a temporary
# directory that is removed at the end; no process is left running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

quick=0 build=1 out="" build_dir=${CARTA_BUILD_DIR:-build}
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --build-dir) build_dir=${2:?--build-dir DIR}; shift ;;
    --out) out=${2:?--out DIR}; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done
build_dir=$(realpath -m "$build_dir")
if [[ -z $out ]]; then
  if ((quick)); then out=$build_dir/bench/quick-results; else out=$root/bench/results; fi
fi
out=$(realpath -m "$out")

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

if ((build)); then
  scripts/setup-debian.sh >&2
  # Only what the benchmarks run; a tree configured before (any generator) is reused.
  generator=()
  [[ -f $build_dir/CMakeCache.txt ]] || generator=(-G Ninja)
  mkdir -p "$build_dir"
  log=$build_dir/bench-build.log
  say "building carta-bench, carta, libcarta-pkcs11.so and carta-sim in $build_dir (log: $log)"
  { cmake -S . -B "$build_dir" "${generator[@]}" &&
    cmake --build "$build_dir" --target carta-bench carta carta-pkcs11 carta-sim; } >"$log" 2>&1 ||
    { tail -30 "$log" >&2; die "build failed (log: $log)"; }
fi
bench=$build_dir/bench/carta-bench
carta=$build_dir/manager/carta
module=$build_dir/pkcs11/libcarta-pkcs11.so
export CARTA_SIM=$build_dir/simulator/carta-sim
softhsm_module=${CARTA_BENCH_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for f in "$bench" "$carta" "$module" "$CARTA_SIM"; do
  [[ -e $f ]] || die "missing $f (build first, or drop --no-build)"
done
for tool in softhsm2-util pkcs11-tool openssl; do
  command -v "$tool" >/dev/null || die "missing $tool (scripts/setup-debian.sh installs it)"
done
[[ -e $softhsm_module ]] || die "missing $softhsm_module (package softhsm2)"

# Everything of this run in one temporary directory, removed at the end.
tmp=$(mktemp -d /tmp/carta-bench.XXXXXX)
cleanup() {
  scripts/simcard down --dir "$tmp/card" --purge >/dev/null 2>&1 || true
  scripts/simcard down --dir "$tmp/card-realistic" --purge >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing from the caller's environment leaks in: private caches, no trace, own codes.
unset CARTA_APDU_TRACE CARTA_CACHE CARTA_READER PCSCLITE_CSOCK_NAME
export XDG_CACHE_HOME=$tmp/cache
export CARTA_PIN=123456 CARTA_PUK=12345678
export CARTA_BENCH_SOFTHSM_PIN=654321
softhsm_so_pin=87654321

# ------------------------------------------------------------ the simulated card
# A fresh card costs the secure profile's ten key generations; one is made per
# build of carta-sim and copied for each run.
fresh=$build_dir/bench/fresh-card.state
if [[ ! -s $fresh || $CARTA_SIM -nt $fresh ]]; then
  say "making a fresh card for this build of carta-sim"
  mkdir -p "$(dirname "$fresh")"
  "$CARTA_SIM" init --state "$fresh.tmp" --force >/dev/null
  mv "$fresh.tmp" "$fresh"
fi
cp "$fresh" "$tmp/card.state"
say "bringing up the simulated card (latency none)"
exports=$(scripts/simcard up --dir "$tmp/card" --state "$tmp/card.state" --latency none --owner-pid $$ \
  2>"$tmp/simcard.log") || { cat "$tmp/simcard.log" >&2; die "the simulated card did not come up"; }
eval "$exports"

say "preparing the card: init, RSA-2048 key, certificate from a test CA"
quiet() { "$@" >"$tmp/last.log" 2>&1 || { cat "$tmp/last.log" >&2; die "failed: $*"; }; }
quiet "$carta" init --label bench
quiet "$carta" key generate --algorithm rsa2048 --label bench-key
# "Generated key 21 ..." : the card's key reference, for the card floor
key_ref=$(sed -n 's/^Generated key \([0-9A-Fa-f]\{2\}\) .*/\1/p' "$tmp/last.log")
[[ -n $key_ref ]] || { cat "$tmp/last.log" >&2; die "no key reference in carta's answer"; }
quiet "$carta" csr --key bench-key --email bench@example.org --cn "carta bench" --out "$tmp/bench.csr"
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 2 -sha256 \
  -subj "/CN=carta bench CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\nsubjectAltName=email:bench@example.org\n' >"$tmp/leaf.ext"
quiet openssl x509 -req -in "$tmp/bench.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 2 \
  -sha256 -extfile "$tmp/leaf.ext" -out "$tmp/bench.pem"
cat "$tmp/bench.pem" "$tmp/ca.pem" >"$tmp/chain.pem"
quiet "$carta" cert import "$tmp/chain.pem" --ca

# The same card again, with a real card's timings, behind a pcscd of its own: the journeys a
# user feels (start, a signed send, opening a message) are measured on it, next to their floors.
cp "$tmp/card.state" "$tmp/card-realistic.state"
say "bringing up the same card with a real card's timings (latency realistic)"
realistic=$(scripts/simcard up --dir "$tmp/card-realistic" --state "$tmp/card-realistic.state" --latency realistic \
  --owner-pid $$ 2>"$tmp/simcard-realistic.log") || { cat "$tmp/simcard-realistic.log" >&2; die "the realistic card did not come up"; }
journey_socket=$(eval "$realistic"; printf '%s' "$PCSCLITE_CSOCK_NAME")

# ------------------------------------------------------------ the SoftHSM2 token
say "preparing a SoftHSM2 token in $tmp/softhsm"
mkdir -p "$tmp/softhsm/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$tmp/softhsm/tokens" >"$tmp/softhsm/softhsm2.conf"
export SOFTHSM2_CONF=$tmp/softhsm/softhsm2.conf
quiet softhsm2-util --init-token --free --label bench --so-pin "$softhsm_so_pin" --pin "$CARTA_BENCH_SOFTHSM_PIN"
# The same two certificates as on the card, so that both starts read the same.
for c in bench ca; do
  quiet openssl x509 -in "$tmp/$c.pem" -outform DER -out "$tmp/$c.der"
  quiet pkcs11-tool --module "$softhsm_module" --token-label bench --login --pin "$CARTA_BENCH_SOFTHSM_PIN" \
    --write-object "$tmp/$c.der" --type cert --label "$c"
done

# ------------------------------------------------------------ the run
args=(--card-state "$tmp/card.state" --carta-module "$module" --softhsm-module "$softhsm_module" --card-key-ref "$key_ref" --out "$out" --work "$tmp/work"
      --plot-data "$tmp/sign-throughput.dat" --journey-socket "$journey_socket")
((quick)) && args+=(--quick)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)
[[ -n $commit ]] && args+=(--commit "$commit")
say "running carta-bench ${args[*]}"
"$bench" "${args[@]}"

# ------------------------------------------------------------ the plot
if command -v gnuplot >/dev/null; then
  gnuplot <<EOF
set terminal pngcairo size 900,540 font ",11"
set output "$out/sign-throughput.png"
set title "RSA-2048 signatures (SHA-256): ops/s versus sessions (threads)"
set xlabel "sessions (one thread each)"
set ylabel "signatures per second"
set yrange [0:*]
set grid ytics xtics
set xtics (1, 2, 4)
set xrange [0.7:4.5]
set key outside right
plot "$tmp/sign-throughput.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#d62728" title "carta, PKCS#1 v1.5", \
     ""                          using 1:5 with linespoints lw 2 pt 5 dt 2 lc rgb "#d62728" title "carta, PSS", \
     ""                          using 1:3 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "SoftHSM2, PKCS#1 v1.5", \
     ""                          using 1:6 with linespoints lw 2 pt 5 dt 2 lc rgb "#1f77b4" title "SoftHSM2, PSS", \
     ""                          using 1:4 with linespoints lw 2 pt 7 lc rgb "#2ca02c" title "OpenSSL, PKCS#1 v1.5", \
     ""                          using 1:7 with linespoints lw 2 pt 5 dt 2 lc rgb "#2ca02c" title "OpenSSL, PSS"
EOF
elif ((quick)); then
  say "gnuplot missing: no plot (quick run)"
else
  die "gnuplot missing (scripts/setup-debian.sh installs gnuplot-nox)"
fi

echo
cat "$out/results.md"
echo
echo "results: $out/results.md, $out/results.json, $out/sign-throughput.png"
