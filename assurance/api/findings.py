"""findings API."""

ROUTES = []
