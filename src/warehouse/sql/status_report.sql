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
WITH readings AS (
  SELECT
    strptime(wrk_date, '%Y%m%d')::DATE AS d,
    car_number,
    (tire_fl < 60)::INTEGER + (tire_fr < 60)::INTEGER
      + (tire_bl < 60)::INTEGER + (tire_br < 60)::INTEGER AS tires_low,
    (light_fl = 2)::INTEGER + (light_fr = 2)::INTEGER
      + (light_bl = 2)::INTEGER + (light_br = 2)::INTEGER AS lamps_fault,
    (engine <> 'A')::INTEGER AS engine_fault,
    ("break" <> 'A')::INTEGER AS brake_fault,
    (battery < 30)::INTEGER AS battery_low
  FROM SmartCar_Status_Info
  WHERE wrk_date BETWEEN '${FROM}' AND '${TO}'
),
periods AS (
  SELECT
    CASE '${BY}'
      WHEN 'day' THEN d
      WHEN 'week' THEN date_trunc('week', d)::DATE   -- ISO weeks start on Monday.
      WHEN 'month' THEN date_trunc('month', d)::DATE
      ELSE date_trunc('year', d)::DATE
    END AS period_start,
    *,
    tires_low + lamps_fault + engine_fault + brake_fault + battery_low AS faults
  FROM readings
),
per_car AS (
  SELECT period_start, car_number, sum(faults)::BIGINT AS faults
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
    count(*) AS readings,
    count(DISTINCT car_number) AS cars,
    count(DISTINCT d) AS days,
    sum(tires_low) / (4.0 * count(*)) AS tire_low_share,
    sum(lamps_fault) / (4.0 * count(*)) AS lamp_fault_share,
    avg(engine_fault) AS engine_fault_share,
    avg(brake_fault) AS brake_fault_share,
    avg(battery_low) AS battery_low_share,
    avg((faults > 0)::INTEGER) AS faulty_reading_share
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
