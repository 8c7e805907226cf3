"""Times to the second, ISO-style: operators compare runs, heartbeats and ledger rows that
are seconds apart, and Django's English "Dec. 3, 2026, 1:05 p.m." hides that."""

DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i:s"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i:s"
