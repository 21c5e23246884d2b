-- Status report: one row per period (day, ISO week, month or year) of SmartCar_Status_Info.
-- Embedded into the binary at build time (embed_sql.cmake). Placeholders, substituted after
-- validation by report.cc:
--   ${BY}        'day' | 'week' | 'month' | 'year'
--   ${FROM}      first wrk_date (yyyyMMdd), inclusive
--   ${TO}        last wrk_date (yyyyMMdd), inclusive
--   ${TOP_CARS}  how many cars to list per period
-- A reading belongs to the day of its partition (wrk_date), so the day file's hour-24 reading
-- stays in its own day. Abnormal readings (docs/FORMATS.md): tyre pressure < 60, lamp = 2,
-- engine <> 'A', brake <> 'A', battery < 30. The *_share columns are fractions 0..1: tyres and
-- lamps over 4 x readings, the others over readings.
WITH per_day_car AS (
  -- One pass over the readings: partial sums per partition day and car (tiny), rolled up below.
  SELECT
    wrk_date,
    car_number,
    count(*) AS readings,
    sum((tire_fl < 60)::INTEGER + (tire_fr < 60)::INTEGER
        + (tire_bl < 60)::INTEGER + (tire_br < 60)::INTEGER) AS tires_low,
    sum((light_fl = 2)::INTEGER + (light_fr = 2)::INTEGER
        + (light_bl = 2)::INTEGER + (light_br = 2)::INTEGER) AS lamps_fault,
    count_if(engine <> 'A') AS engine_fault,
    count_if("break" <> 'A') AS brake_fault,
    count_if(battery < 30) AS battery_low,
    count_if(tire_fl < 60 OR tire_fr < 60 OR tire_bl < 60 OR tire_br < 60
             OR light_fl = 2 OR light_fr = 2 OR light_bl = 2 OR light_br = 2
             OR engine <> 'A' OR "break" <> 'A' OR battery < 30) AS faulty_readings
  FROM SmartCar_Status_Info
  WHERE wrk_date BETWEEN '${FROM}' AND '${TO}'
  GROUP BY wrk_date, car_number
),
periods AS (
  SELECT
    CASE '${BY}'
      WHEN 'day' THEN d
      WHEN 'week' THEN date_trunc('week', d)::DATE   -- ISO weeks start on Monday.
      WHEN 'month' THEN date_trunc('month', d)::DATE
      ELSE date_trunc('year', d)::DATE
    END AS period_start,
    *
  FROM (SELECT strptime(wrk_date, '%Y%m%d')::DATE AS d, * FROM per_day_car)
),
per_car AS (
  SELECT period_start, car_number,
         sum(tires_low + lamps_fault + engine_fault + brake_fault + battery_low)::BIGINT AS faults
  FROM periods
  GROUP BY period_start, car_number
),
top_cars AS (
  SELECT period_start,
         string_agg(car_number || ':' || faults::VARCHAR, ' ' ORDER BY faults DESC, car_number)
           AS top_cars
  FROM (
    SELECT *, row_number() OVER (PARTITION BY period_start ORDER BY faults DESC, car_number) AS rank
    FROM per_car
  )
  WHERE rank <= ${TOP_CARS}
  GROUP BY period_start
),
totals AS (
  SELECT
    period_start,
    sum(readings)::BIGINT AS readings,
    count(DISTINCT car_number) AS cars,
    count(DISTINCT d) AS days,
    sum(tires_low)::DOUBLE / (4 * sum(readings)) AS tire_low_share,
    sum(lamps_fault)::DOUBLE / (4 * sum(readings)) AS lamp_fault_share,
    sum(engine_fault)::DOUBLE / sum(readings) AS engine_fault_share,
    sum(brake_fault)::DOUBLE / sum(readings) AS brake_fault_share,
    sum(battery_low)::DOUBLE / sum(readings) AS battery_low_share,
    sum(faulty_readings)::DOUBLE / sum(readings) AS faulty_reading_share
  FROM periods
  GROUP BY period_start
)
SELECT
  CASE '${BY}'
    WHEN 'day' THEN strftime(period_start, '%Y-%m-%d')
    WHEN 'week' THEN isoyear(period_start)::VARCHAR || '-W' || lpad(week(period_start)::VARCHAR, 2, '0')
    WHEN 'month' THEN strftime(period_start, '%Y-%m')
    ELSE strftime(period_start, '%Y')
  END AS period,
  period_start,
  CASE '${BY}'
    WHEN 'day' THEN period_start
    WHEN 'week' THEN (period_start + INTERVAL 6 DAY)::DATE
    WHEN 'month' THEN last_day(period_start)
    ELSE make_date(year(period_start), 12, 31)
  END AS period_end,
  days,
  readings,
  cars,
  tire_low_share,
  lamp_fault_share,
  engine_fault_share,
  brake_fault_share,
  battery_low_share,
  faulty_reading_share,
  top_cars,
  strftime(period_start, '%Y%m%d') AS wrk_date
FROM totals JOIN top_cars USING (period_start)
ORDER BY period_start
