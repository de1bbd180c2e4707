"""packs API."""

ROUTES = []
