# English dates: Fri, Mar 28, 2025, 19:00 (a 24-hour clock, as the group's start times are).
DATE_FORMAT = "D, M j, Y"
DATETIME_FORMAT = "D, M j, Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "D, M j"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
