#!/usr/bin/env bash
# The pilot's load: `smartcar run` with 100 cars in real time (100 events a second), as #23's
# "< 1 % of one core" asks. Prints the CPU time and the voluntary context switches (wake-ups) of
# each thread between 20 s after the start and 5 s before the end, from /proc/PID/task/*, then
# the whole process's CPU (start-up included) and peak RSS from /usr/bin/time.
#
#   bench/pilot_load.sh [SMARTCAR] [SECONDS]   # default build/release/src/cli/smartcar, 90 s
#
# CPU per wake-up moves a lot with the machine (a virtual machine's idle CPU wakes slowly): to
# judge a change run two builds at the same time, e.g.
#   bench/pilot_load.sh /tmp/old/smartcar > old.txt & bench/pilot_load.sh > new.txt; wait
# The wake-ups per second do not depend on the machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$here/build/release/src/cli/smartcar}"
seconds="${2:-90}"
[ -x "$bin" ] || { echo "pilot_load: $bin is missing: build the release preset first" >&2; exit 1; }
[ "$seconds" -ge 40 ] || { echo "pilot_load: give at least 40 seconds" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "pilot_load: /usr/bin/time is missing (scripts/setup installs it)" >&2; exit 1; }
tmp="$(mktemp -d /tmp/smartcar-pilot.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

cd "$here"
/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" run --rules rules --date 20220426 \
  --cars 100 --seconds "$seconds" --seed 1 --metrics-port off --data "$tmp/data" \
  > "$tmp/out" 2>&1 &
timer=$!
sleep 1
pid="$(pgrep -P "$timer" | head -1)"
[ -n "$pid" ] || { echo "pilot_load: the run did not start: $(cat "$tmp/out")" >&2; exit 1; }

# One line per thread: tid name utime stime (clock ticks) voluntary nonvoluntary switches.
snap() {
  for t in /proc/"$pid"/task/*; do
    local fields
    fields=($(sed 's/.*) //' "$t/stat" 2>/dev/null)) || continue
    echo "$(basename "$t") $(cat "$t/comm" 2>/dev/null | tr ' ' '_') ${fields[11]} ${fields[12]}" \
      "$(awk '/^voluntary_ctxt/ {v=$2} /^nonvoluntary_ctxt/ {n=$2} END {print v, n}' "$t/status" 2>/dev/null)"
  done | sort
}
window=$((seconds - 25))
sleep 19
snap > "$tmp/a"
sleep "$window"
snap > "$tmp/b"
wait "$timer"

hz="$(getconf CLK_TCK)"
echo "# $bin ($("$bin" --version 2>/dev/null | head -1)): $window s at pilot load, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %10s %12s %12s\n' thread "CPU %" "wake-ups/s" "preempted/s"
join "$tmp/a" "$tmp/b" | awk -v d="$window" -v hz="$hz" '
  { cpu = ($8 - $3 + $9 - $4) / hz; v = ($10 - $5) / d; n = ($11 - $6) / d
    tc += cpu; tv += v; tn += n
    if (cpu > 0 || v > 0) printf "%-14s %10.3f %12.1f %12.1f\n", $2, 100 * cpu / d, v, n }
  END { printf "%-14s %10.3f %12.1f %12.1f\n", "TOTAL", 100 * tc / d, tv, tn }'
read -r wall user sys rss < "$tmp/time"
awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
  printf "whole run (start-up included): %.2f CPU-s in %.0f s = %.2f %% of a core, peak RSS %.0f MiB\n",
         u + s, w, 100 * (u + s) / w, r / 1024 }'
grep -h "detections" "$tmp/out" | tail -1
