"""gunicorn's settings for the registry (`gunicorn -c deploy/gunicorn.conf.py registry.wsgi`).

Issues 17 and 18 add their own settings to this file (access log, timeouts, bind);
this part is issue 23's.
"""

import os

# --- workers (issue 23; measured in docs/performance.md, "Throughput") ---------------
# A request spends a large share of its time waiting for PostgreSQL (round trips and
# the audit event's commit), and a sync worker serves one request at a time: threads
# let a worker serve another request while one waits, and each process still gets a
# core of its own. On the 2-core machine sync workers (2, 4) and gthread workers (2x4,
# 4x2) came out within the noise of a machine at load 8-17; gthread with one process
# per core and 4 threads each was kept because it overlaps the database waits with
# the least memory (2 processes instead of 8) and keeps 8 requests in flight.
# Every thread holds one persistent database connection (CONN_MAX_AGE): at most
# workers x threads connections per host.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
