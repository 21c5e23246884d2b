-- The pilot's emergency check (HiveQL 6.111 of wikibook/bigdata2nd) over
-- Managed_SmartCar_Status_Info, as DuckDB SQL: one row per car of the working day with at least
-- one symptom.
WITH day AS (
  SELECT * FROM Managed_SmartCar_Status_Info WHERE wrk_date = '${working_day}'
),
t1 AS (SELECT DISTINCT car_number, wrk_date AS biz_date FROM day),
t2 AS (
  SELECT car_number, 'Tire Check' AS symptom FROM day GROUP BY car_number
  HAVING avg(tire_fl) < 80 OR avg(tire_fr) < 80 OR avg(tire_bl) < 80 OR avg(tire_br) < 80
),
t3 AS (
  SELECT DISTINCT car_number, 'Light Check' AS symptom FROM day
  WHERE light_fl = 2 OR light_fr = 2 OR light_bl = 2 OR light_br = 2
),
t4 AS (SELECT DISTINCT car_number, 'Engine Check' AS symptom FROM day WHERE engine = 'C'),
t5 AS (SELECT DISTINCT car_number, 'Brake Check' AS symptom FROM day WHERE "break" = 'C'),
t6 AS (
  SELECT car_number, 'Battery Check' AS symptom FROM day GROUP BY car_number
  HAVING avg(battery) < 30
)
SELECT t1.car_number,
       t2.symptom AS tire_symptom,
       t3.symptom AS light_symptom,
       t4.symptom AS engine_symptom,
       t5.symptom AS break_symptom,
       t6.symptom AS battery_symptom,
       t1.biz_date
FROM t1
LEFT JOIN t2 ON t1.car_number = t2.car_number
LEFT JOIN t3 ON t1.car_number = t3.car_number
LEFT JOIN t4 ON t1.car_number = t4.car_number
LEFT JOIN t5 ON t1.car_number = t5.car_number
LEFT JOIN t6 ON t1.car_number = t6.car_number
WHERE t2.symptom IS NOT NULL OR t3.symptom IS NOT NULL OR t4.symptom IS NOT NULL
   OR t5.symptom IS NOT NULL OR t6.symptom IS NOT NULL
ORDER BY t1.car_number
