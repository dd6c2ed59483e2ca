from tactful.reports.tests.conftest import activity  # noqa: F401  (the month's records)
