"""clauses API."""

ROUTES = []
