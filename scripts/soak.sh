#!/usr/bin/env bash
# Soak: N processes × M threads signing through libcarta-pkcs11.so for a while,
# against a simulated card behind a real pcscd; every signature verified with
# OpenSSL; each process's RSS sampled. Fails if any signature is invalid, any
# call failed, or a process died.
#
#   scripts/soak.sh [-p PROCESSES] [-t THREADS] [-s SECONDS] [--latency none|realistic]
#                   [--build-dir DIR] [--out FILE]
#   defaults: 2 processes × 8 threads × 600 s, latency none, build dir build/
#
# Prints per-process results and a summary; --out writes the RSS samples
# (CSV: seconds, pid, rss_kib). Needs a built tree (scripts/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

processes=2 threads=8 seconds=600 latency=none build_dir=${CARTA_BUILD_DIR:-build} out=""
while (($#)); do
  case $1 in
    -p) processes=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    -s) seconds=$2; shift 2 ;;
    --latency) latency=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done

module=$build_dir/pkcs11/libcarta-pkcs11.so
soak=$build_dir/bench/carta-soak
card=$build_dir/tests/pkcs11/cards/ready.state  # initialised: RSA key + certificate, PIN 123456
for f in "$module" "$soak" "$card"; do
  [[ -e $f ]] || { echo "soak: missing $f (scripts/build.sh)" >&2; exit 1; }
done
export CARTA_SIM=${CARTA_SIM:-$build_dir/simulator/carta-sim}

tmp=$(mktemp -d /tmp/carta-soak.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  scripts/simcard down --dir "$tmp/card" --purge >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unset CARTA_APDU_TRACE
export XDG_CACHE_HOME=$tmp/cache CARTA_PIN=123456
cp "$card" "$tmp/card.state"
exports=$(scripts/simcard up --dir "$tmp/card" --state "$tmp/card.state" --latency "$latency" --owner-pid $$ \
  2>"$tmp/simcard.log") || { cat "$tmp/simcard.log" >&2; exit 1; }
eval "$exports"

echo "soak: $processes processes × $threads threads × ${seconds}s, latency $latency"
for ((i = 0; i < processes; i++)); do
  "$soak" --module "$module" --token "carta test" --threads "$threads" --seconds "$seconds" \
    >"$tmp/result.$i" 2>"$tmp/error.$i" &
  pids+=($!)
done

# RSS of every process, every few seconds, until all have ended.
samples=$tmp/rss.csv
echo "seconds,pid,rss_kib" >"$samples"
interval=$((seconds >= 60 ? 10 : 1))
start=$SECONDS
while :; do
  alive=0
  for pid in "${pids[@]}"; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n $rss ]] && { alive=1; echo "$((SECONDS - start)),$pid,$rss" >>"$samples"; }
  done
  ((alive)) || break
  sleep "$interval"
done

status=0
for ((i = 0; i < processes; i++)); do
  if ! wait "${pids[$i]}"; then status=1; fi
  cat "$tmp/result.$i"
  [[ -s $tmp/error.$i ]] && cat "$tmp/error.$i" >&2
done
pids=()
[[ -n $out ]] && cp "$samples" "$out"

# Summary: signatures, rate, and RSS first / last / max per process.
python3 - "$tmp" "$processes" "$samples" <<'PY'
import csv, json, sys
tmp, n, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3]
results = []
for i in range(n):
    try:
        results.append(json.loads(open(f"{tmp}/result.{i}").read()))
    except (OSError, ValueError):
        pass
rss = {}
for row in csv.DictReader(open(samples)):
    rss.setdefault(row["pid"], []).append(int(row["rss_kib"]))
total = sum(r["signatures"] for r in results)
secs = max((r["seconds"] for r in results), default=0) or 1
print(f"soak: {len(results)}/{n} processes reported, {total} signatures verified "
      f"({total / secs:.0f}/s), {sum(r['invalid'] for r in results)} invalid, "
      f"{sum(r['errors'] for r in results)} errors, "
      f"{sum(r['logins_lost'] for r in results)} logins lost to the other process")
for pid, values in rss.items():
    print(f"soak: pid {pid} RSS first {values[0]} KiB, last {values[-1]} KiB, max {max(values)} KiB "
          f"({len(values)} samples)")
PY
exit $status
