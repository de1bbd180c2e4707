"""engagements API."""

ROUTES = []
