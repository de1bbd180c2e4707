"""REST: tickets (list/filter/push), outages, maintenance windows, import jobs and SLA figures (tickets.py); import
profiles (profiles.py); connectors (connectors.py); webhook endpoints (webhook.py)."""

from . import profiles, tickets

ROUTES = [
    *tickets.ROUTES,
    # ---- import profiles
    *profiles.ROUTES,
    # ---- connectors

    # ---- webhook endpoints

]
