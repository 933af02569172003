from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The roof (docs/architecture.md, *Layers*): URLs, the start page, health, demo data.
    It may import every app; nothing imports it."""

    name = "portal"
