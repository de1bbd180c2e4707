"""Pages: tickets, outages, maintenance windows, import jobs and SLA dashboards (tickets.py); import profiles and
the import with a profile and its preview (profiles.py); data-quality reports (quality.py); connectors
(connectors.py); webhook endpoints and their receiver (webhook.py)."""

from .tickets import *  # noqa: F403  (the pages urls.py names)
from .profiles import *  # noqa: F401,F403
from .quality import *  # noqa: F401,F403
