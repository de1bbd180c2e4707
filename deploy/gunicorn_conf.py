"""gunicorn settings of one app instance in the cluster (docs/deployment.md): `gunicorn servplan.wsgi -c
deploy/gunicorn_conf.py --bind HOST:PORT`. Sized by the environment; the defaults suit a 2-core host."""

import os

workers = int(os.environ.get("SERVPLAN_GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("SERVPLAN_GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("SERVPLAN_GUNICORN_TIMEOUT", "120"))  # longer than nginx's proxy_read_timeout
graceful_timeout = 20
keepalive = 75  # longer than nginx's upstream keepalive, so nginx closes idle connections first
max_requests = 5000  # a worker is replaced now and then (bounded memory), never all at once
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("SERVPLAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("SERVPLAN_GUNICORN_ACCESS_LOG", "-") or None  # "": none, nginx logs each request
loglevel = "warning"
