# Japanese dates: 2025年3月28日(金) 19:00. Short forms stay ISO, the same in every language.
DATE_FORMAT = "Y年n月j日(D)"
DATETIME_FORMAT = "Y年n月j日(D) H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日(D)"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
