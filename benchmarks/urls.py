"""The bench's URLconf: the product's URLs plus the baseline page.

Used only inside the bench runner (override_settings(ROOT_URLCONF=…)); the
product's own URLconf (config.urls) never includes it.
"""

from django.shortcuts import render
from django.urls import include, path

BASELINE_PATH = "__bench__/baseline/"


def baseline(request):
    """The bench runner only: the base template through the full middleware stack
    (session, user, CSP, messages), with no database work of its own."""
    return render(request, "benchmarks/baseline.html")


urlpatterns = [
    path(BASELINE_PATH, baseline, name="bench_baseline"),
    path("", include("config.urls")),
]
