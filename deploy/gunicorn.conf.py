"""gunicorn's settings for the registry (compose, systemd and make e2e use this file).

    gunicorn -c deploy/gunicorn.conf.py registry.wsgi
"""

import os

# Behind the proxy (Caddy): compose publishes only the proxy, so any address may connect.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two to four sync workers per core; every request is short (a page or an API answer).
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A request taking longer than this is a bug or a stuck database: the worker is
# replaced. Longer than the slowest page at national size (docs/performance.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM, requests in flight finish first.
graceful_timeout = 30
# Keep-alive between the proxy and gunicorn.
keepalive = 5
# The proxy sets X-Forwarded-For/-Proto; Django reads them (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# A worker is recycled now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
