import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

import benchmarks.settings
import config.settings

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale and bench run on PostgreSQL only"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite refusal")


def _bench_only_settings() -> dict:
    """What the bench's settings (benchmarks/settings.py) set differently from the product's."""
    return {
        name: value
        for name, value in vars(benchmarks.settings).items()
        if name.isupper() and value != getattr(config.settings, name, object())
    }


@pytest.fixture(autouse=True)
def bench_settings():
    """The bench's tooling (seed_scale, bench, its baseline page) runs under the bench's
    own settings, as `make bench` runs it; the rest of the suite runs the product's."""
    with override_settings(**_bench_only_settings()):
        assert "benchmarks" in settings.INSTALLED_APPS
        yield
