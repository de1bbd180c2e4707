"""REST: tickets (list/filter/push), outages, maintenance windows, import jobs and SLA figures (tickets.py); import
profiles (profiles.py); connectors (connectors.py); webhook endpoints (webhook.py)."""

from . import connectors, profiles, tickets, webhook

ROUTES = [
    *tickets.ROUTES,
    # ---- import profiles
    *profiles.ROUTES,
    # ---- connectors
    *connectors.ROUTES,

    # ---- webhook endpoints
    *webhook.ROUTES,

]
