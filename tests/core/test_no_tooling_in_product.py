"""The product is the product: its settings install no tooling, and the image
(.dockerignore) leaves the tooling out while keeping everything the product needs."""

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import config.settings

ROOT = Path(__file__).resolve().parents[2]
#: Folders of tooling: the suites, the e2e stack and load test, the bench, mutation
#: testing, scripts and CI. None of them is part of the product.
TOOLING = ["tests", "e2e", "benchmarks", "mutation", "scripts", ".ci"]
#: Apps that only ever serve development or measurement.
TOOLING_APPS = ["debug_toolbar", "django_extensions", "silk", "nplusone", "django_browser_reload"]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement)[0]).lower()


def _runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_name(requirement) for requirement in project["dependencies"]}


def _dockerignore_patterns() -> list[tuple[bool, re.Pattern]]:
    """.dockerignore's rules as (negated, regex), in order: `*` and `?` stay within one
    path segment, `**` spans any number of them, as Docker matches."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for token in re.split(r"(\*\*/|\*\*|\*|\?)", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(
                token, re.escape(token)
            )
        rules.append((negated, re.compile(regex)))
    return rules


def _left_out(path: str, rules=None) -> bool:
    """Whether the image leaves `path` (relative to the root) out: a rule that matches the
    path or a folder above it excludes it; the last matching rule wins."""
    rules = rules if rules is not None else _dockerignore_patterns()
    parts = path.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    left_out = False
    for negated, regex in rules:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            left_out = not negated
    return left_out


def _local_apps() -> list[str]:
    tops = {app.split(".")[0] for app in config.settings.INSTALLED_APPS}
    return sorted(top for top in tops if (ROOT / top).is_dir())


def test_production_settings_install_no_tooling_app():
    installed = config.settings.INSTALLED_APPS
    tops = {app.split(".")[0] for app in installed}
    assert not tops & {*TOOLING, *TOOLING_APPS}, installed
    # Every app from outside the project comes with a runtime dependency of the image
    # (uv sync --no-dev), never with a development one (pytest, locust, …).
    runtime = _runtime_dependencies()
    distributions = packages_distributions()
    for top in sorted(tops - set(_local_apps())):
        provided_by = {_name(name) for name in distributions.get(top, [])}
        assert provided_by & runtime, f"{top} is not installed by a runtime dependency"


def test_the_bench_settings_add_only_the_benchmarks_app():
    import benchmarks.settings

    bench_apps = benchmarks.settings.INSTALLED_APPS
    assert bench_apps == [*config.settings.INSTALLED_APPS, "benchmarks"]


def test_the_image_leaves_the_tooling_and_local_state_out():
    for path in [
        *TOOLING,
        "tests/conftest.py",
        "e2e/locustfile.py",
        "benchmarks/settings.py",
        "mutation/run.py",
        "docs/screenshots/start-1280.png",
        ".git/HEAD",
        ".venv/bin/python",
        ".env",
        "db.sqlite3",
        "db.sqlite3-wal",
        "core/__pycache__/settings.cpython-311.pyc",
        ".pytest_cache/README.md",
        ".ruff_cache/CACHEDIR.TAG",
        ".hypothesis/examples",
        "staticfiles/admin/css/base.css",
    ]:
        assert _left_out(path), f".dockerignore lets {path} into the image"


def test_the_image_keeps_everything_the_product_needs():
    rules = _dockerignore_patterns()
    needed = [ROOT / name for name in ["manage.py", "pyproject.toml", "uv.lock"]]
    for folder in [*_local_apps(), "deploy", "templates", "static", "locale"]:
        needed += [path for path in (ROOT / folder).rglob("*") if "__pycache__" not in path.parts]
    assert len(needed) > 100
    for path in needed:
        assert not _left_out(path.relative_to(ROOT).as_posix(), rules), path


def test_the_product_imports_nothing_the_image_leaves_out():
    sources = [ROOT / "manage.py", *(ROOT / "deploy").rglob("*.py")]
    for app in _local_apps():
        sources += (ROOT / app).rglob("*.py")
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in TOOLING, f"{source} imports {module}"
