from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The roof (docs/architecture.md, *Layers*): URLs, the start page, health, demo data.
    It may import every app; nothing imports it."""

    name = "project"
