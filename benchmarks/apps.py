from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Scale tooling: `seed_scale` fills a PostgreSQL database with a national-size
    registry, `bench` times the registrar pages against it (docs/performance.md).
    No models, no URLs: nothing here is reachable from the product, whose settings never
    install it; the bench's own settings (benchmarks/settings.py) do."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
