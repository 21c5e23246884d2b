#!/usr/bin/env bash
# The console's cost to a run (#19): `smartcar run` of 2,000,000 events, alternately without a
# client and with an operator's console open on it (its event stream, plus /stats.json,
# /api/v1/history and /api/v1/detections?details=1 every 2 s, each answer's latency logged).
# Prints one line per run: mode, pair, wall s, user s, sys s, peak RSS KB; then the latencies.
#   bench/console_overhead.sh [PAIRS] [SMARTCAR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-7}"
bin="${2:-$here/build/release/src/cli/smartcar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

one() {  # one run: mode (none|console), pair number
  local mode=$1 n=$2 data="$work/data-$1-$2"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" run --rules "$here/rules" --date 20220426 \
    --cars 100 --seconds 20000 --fast --seed 1 --data "$data" --metrics-port 0 >/dev/null 2>&1 &
  local pid=$!
  if [ "$mode" = console ]; then
    for _ in $(seq 1 400); do [ -f "$data/metrics.json" ] && break; sleep 0.05; done
    local url
    url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$data/metrics.json")
    curl -sN "$url/api/v1/events" >/dev/null &
    local events=$!
    while kill -0 "$pid" 2>/dev/null; do
      for p in stats.json api/v1/history "api/v1/detections?date=20220426&details=1"; do
        curl -s -o /dev/null -w "${p%%\?*} %{time_total}\n" "$url/$p" >>"$work/latency" || true
      done
      sleep 2
    done
    kill "$events" 2>/dev/null || true
  fi
  wait "$pid"
  echo "$mode $n $(cat "$work/time")"
  rm -rf "$data"
}

for n in $(seq 1 "$pairs"); do
  if [ $((n % 2)) = 1 ]; then one none "$n"; one console "$n"; else one console "$n"; one none "$n"; fi
done
if [ -f "$work/latency" ]; then
  for p in stats.json api/v1/history api/v1/detections; do
    grep "^$p " "$work/latency" | awk '{print $2}' | sort -n |
      awk -v p="$p" '{a[NR]=$1} END {printf "%s: n=%d median %.1f ms max %.1f ms\n", p, NR, a[int((NR+1)/2)]*1000, a[NR]*1000}'
  done
fi
