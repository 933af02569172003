"""The bench's own settings: production's, plus the benchmarks app.

    DJANGO_SETTINGS_MODULE=benchmarks.settings python manage.py seed_scale …

`make bench` and `make loadtest` run seed_scale, bench and bench_memory with these
(tests/benchmarks apply them too); the product's settings (config.settings) never
install the app, and the image leaves this folder out (.dockerignore).
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
