"""Operating ServPlan: the health check (health), Prometheus metrics (metrics) and the request id carried into the
background tasks a request starts (taskcontext). docs/operations.md, "Health check", "Metrics", "Logs"."""
