"""gunicorn's settings in the production shape (Dockerfile, docker-compose.yml):
`gunicorn registry.wsgi -c deploy/gunicorn.conf.py`.

The access log writes the path only, never the query string (set-password and
reset links carry their token there), and a token in the path of an older link is
cut as in Django's own logs (registry/logging.py). No Referer either: it can hold
another site's secrets. tests/security/test_access_logs.py runs the set-password
flow through gunicorn with this file and greps the log for the token.
"""

import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry.logging import redact_path

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
