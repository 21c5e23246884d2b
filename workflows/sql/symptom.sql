-- The pilot's driving symptoms (HiveQL 6.103 of wikibook/bigdata2nd) over
-- Managed_SmartCar_Drive_Info (the days processed so far), as DuckDB SQL: per car of the working
-- day, the average accelerator and brake pedal and the count of hard steering, each flagged
-- 'abnormal' when more than 2 standard deviations from the fleet (pedals) or above 2000
-- (steering). The columns are those of the pilot's smartcar_symptom_info (all text), so the
-- export fills it as is.
WITH drive AS (
  SELECT car_number, biz_date, CAST(speed_pedal AS DOUBLE) AS speed_pedal,
         CAST(break_pedal AS DOUBLE) AS break_pedal, steer_angle
  FROM Managed_SmartCar_Drive_Info
),
t1 AS (
  SELECT car_number, biz_date, avg(speed_pedal) AS speed_p_avg_by_carnum,
         avg(break_pedal) AS break_p_avg_by_carnum
  FROM drive WHERE biz_date = '${working_day}' GROUP BY car_number, biz_date
),
t2 AS (
  SELECT car_number, count(*) AS steer_a_count FROM drive
  WHERE steer_angle IN ('L2', 'L3', 'R2', 'R3') AND biz_date = '${working_day}'
  GROUP BY car_number
),
t3 AS (SELECT avg(speed_pedal) AS speed_p_avg, avg(break_pedal) AS break_p_avg FROM drive),
s AS (
  SELECT car_number, avg(speed_pedal) AS speed_p_avg_by_carnum,
         avg(break_pedal) AS break_p_avg_by_carnum
  FROM drive GROUP BY car_number
),
t4 AS (
  SELECT stddev_pop(speed_p_avg_by_carnum) AS speed_p_std,
         stddev_pop(break_p_avg_by_carnum) AS break_p_std
  FROM s
)
SELECT t1.car_number,
       CAST(t1.speed_p_avg_by_carnum AS VARCHAR) AS speed_p_avg,
       CASE WHEN abs((t1.speed_p_avg_by_carnum - t3.speed_p_avg) / nullif(t4.speed_p_std, 0)) > 2
            THEN 'abnormal' ELSE 'normal' END AS speed_p_symptom,
       CAST(t1.break_p_avg_by_carnum AS VARCHAR) AS break_p_avg,
       CASE WHEN abs((t1.break_p_avg_by_carnum - t3.break_p_avg) / nullif(t4.break_p_std, 0)) > 2
            THEN 'abnormal' ELSE 'normal' END AS break_p_symptom,
       CAST(t2.steer_a_count AS VARCHAR) AS steer_a_cnt,
       CASE WHEN t2.steer_a_count > 2000 THEN 'abnormal' ELSE 'normal' END AS steer_p_symptom,
       t1.biz_date
FROM t1 JOIN t2 ON t1.car_number = t2.car_number, t3, t4
ORDER BY t1.car_number
