from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Scale tooling: `seed_scale` fills a PostgreSQL database with a national-size
    registry, `bench` times the registrar pages against it (docs/performance.md).
    No models, no URLs: nothing here is reachable from the product."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
