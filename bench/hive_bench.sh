#!/usr/bin/env bash
# The Hive front end against DuckDB SQL written directly for the same files (docs/BENCHMARKS.md,
# "hive"): DAYS day partitions of the status log (gen status, CARS cars) under the pilot's
# LOCATION, the pilot's 6.44 table, and the pilot's 6.48 query over every day and over one day.
# Each pair runs through farm-bench (A = smartcar hive, B = smartcar sql with read_csv).
# Usage: bench/hive_bench.sh BUILD_DIR [DAYS (default 7)] [CARS (default 10)] [RUNS (default 10)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(cd "${1:?usage: bench/hive_bench.sh BUILD_DIR [DAYS] [CARS] [RUNS]}" && pwd)/src/cli/smartcar"
days="${2:-7}"
cars="${3:-10}"
runs="${4:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
logs="$work/data/hdfs/pilot-pjt/collect/car-batch-log"
first=""
for i in $(seq 0 $((days - 1))); do
  d="$(date -u -d "2022-04-25 + $i day" +%Y%m%d)"
  [ -n "$first" ] || first="$d"
  "$bin" gen status --date "$d" --cars "$cars" --out "$work/gen" >/dev/null
  mkdir -p "$logs/wrk_date=$d"
  mv "$work/gen/SmartCarStatusInfo_$d.txt" "$logs/wrk_date=$d/FlumeData.$d"
done
"$bin" hive --data "$work/data" -S -f "$here/tests/hive/pilot/figure-6.44.hql"
"$bin" hive --data "$work/data" -S -e "msck repair table SmartCar_Status_Info"
cols="{'reg_date':'VARCHAR','car_number':'VARCHAR','tire_fl':'VARCHAR','tire_fr':'VARCHAR','tire_bl':'VARCHAR','tire_br':'VARCHAR','light_fl':'VARCHAR','light_fr':'VARCHAR','light_bl':'VARCHAR','light_br':'VARCHAR','engine':'VARCHAR','break':'VARCHAR','battery':'VARCHAR'}"
duck() {  # $1: the glob under car-batch-log
  echo "SELECT car_number, avg(TRY_CAST(battery AS DOUBLE)) AS battery_avg FROM read_csv('$logs/$1', delim=',', header=false, columns=$cols) WHERE TRY_CAST(battery AS DOUBLE) < 60 GROUP BY car_number"
}
duck '*/*' >"$work/all.sql"
duck "wrk_date=$first/*" >"$work/day.sql"
echo "select car_number, avg(battery) as battery_avg from SmartCar_Status_Info where battery < 60 and wrk_date = '$first' group by car_number" >"$work/day.hql"
# Same answers first.
a="$("$bin" hive --data "$work/data" -S -f "$here/tests/hive/pilot/figure-6.48.hql" | sort)"
b="$("$bin" sql --data "$work/data" --format csv -e "$(cat "$work/all.sql")" | tail -n +2 | tr ',' '\t' | sort)"
[ "$a" = "$b" ] || { echo "hive and DuckDB answers differ" >&2; exit 1; }
echo "== $days days x $cars cars ($(du -sh "$logs" | cut -f1)): 6.48 over every day"
farm-bench -n "$runs" --timeout 600 \
  --vs "sh -c '$bin sql --data $work/data --format csv -e \"\$(cat $work/all.sql)\"'" -- \
  "$bin" hive --data "$work/data" -S -f "$here/tests/hive/pilot/figure-6.48.hql"
echo "== 6.48 over one day ($first)"
farm-bench -n "$runs" --timeout 600 \
  --vs "sh -c '$bin sql --data $work/data --format csv -e \"\$(cat $work/day.sql)\"'" -- \
  "$bin" hive --data "$work/data" -S -f "$work/day.hql"
