"""REST endpoints of the closure stage (registered in api/urls.py under closure/...), one module per sub-domain."""

# Registered by api/urls.py under /api/.
ROUTES = []
