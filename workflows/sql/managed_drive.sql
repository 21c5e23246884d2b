-- The day's driving events (the pilot's Managed_SmartCar_Drive_Info, HiveQL 6.100 of
-- wikibook/bigdata2nd, without the owners' master data): the pilot's column names, typed.
SELECT car_number,
       TRY_CAST(speed_pedal AS INTEGER) AS speed_pedal,
       TRY_CAST(break_pedal AS INTEGER) AS break_pedal,
       steer_angle,
       direct_light,
       TRY_CAST(speed AS INTEGER) AS speed,
       area_number,
       date AS r_date,
       substr(date, 1, 8) AS biz_date
FROM DriverCarInfo
WHERE substr(date, 1, 8) = '${working_day}'
