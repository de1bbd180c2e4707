"""Pages: tickets, outages, maintenance windows, import jobs and SLA dashboards (tickets.py); import profiles and
the import with a profile and its preview (profiles.py); data-quality reports (quality.py); connectors
(connectors.py); webhook endpoints and their receiver (webhook.py)."""

from .connectors import *  # noqa: F403
from .profiles import *  # noqa: F403
from .quality import *  # noqa: F403
from .tickets import *  # noqa: F403  (the pages urls.py names)
from .webhook import *  # noqa: F403
