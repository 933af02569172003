"""gunicorn's settings for the registry (Dockerfile, docker-compose.yml, systemd and
make e2e use this file):

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

The access log writes the path only, never the query string (set-password and
reset links carry their token there), and a token in the path of an older link is
cut as in Django's own logs (core/logging.py). No Referer either: it can hold
another site's secrets. tests/security/test_access_logs.py runs the set-password
flow through gunicorn with this file and greps the log for the token.
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.logging import redact_path

# Behind the proxy (Caddy): compose publishes only the proxy, so any address may connect.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Workers (measured in docs/performance.md, "Throughput"): a request spends a large
# share of its time waiting for PostgreSQL (round trips and the audit event's commit),
# and a sync worker serves one request at a time: threads let a worker serve another
# request while one waits, and each process still gets a core of its own. On the
# 2-core machine sync workers (2, 4) and gthread workers (2x4, 4x2) came out within
# the noise of a machine at load 8-17; gthread with one process per core and 4
# threads each was kept because it overlaps the database waits with the least memory
# (2 processes instead of 8) and keeps 8 requests in flight. Every thread holds one
# persistent database connection (CONN_MAX_AGE): at most workers x threads per host.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
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
# %(U)s is the path without the query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


class PathOnlyLogger(Logger):
    """Whatever the format says, no atom holds a query string or a token."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"] or "")
        atoms["r"] = redact_path(atoms["r"])
        atoms["q"] = "-"
        atoms["f"] = "-"
        atoms["{referer}i"] = "-"
        return atoms


logger_class = PathOnlyLogger
