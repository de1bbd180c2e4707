"""One way of writing dates and times per language (issue 11): `2026-11-12 14:00`, no seconds, no offset.

Django reads these through FORMAT_MODULE_PATH for the `date` filter, `{{ value }}` of a date or datetime and
`django.utils.formats`; core.display uses the same names, so pages, history, e-mails and exports agree. The time
is always the reader's (the zone core.middleware activates), never UTC.
"""

DATE = "Y-m-d"
DATETIME = "Y-m-d H:i"
TIME = "H:i"
YEAR_MONTH = "Y-m"
INPUT_DATES = ["%Y-%m-%d", "%Y/%m/%d"]
INPUT_DATETIMES = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M",
                   "%Y-%m-%d"]
