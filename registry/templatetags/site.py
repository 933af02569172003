"""The service's identity on every page: the version in the footer."""

import tomllib
from functools import cache
from pathlib import Path

from django import template
from django.conf import settings

from registry.contact import MTM_CONTACT

register = template.Library()


@cache
def _version() -> str:
    # pyproject.toml is the one home of the version; the project is not installed as a package.
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


@register.simple_tag
def app_version() -> str:
    return _version()


@register.simple_tag
def mtm_contact() -> str:
    """MTM's phone and e-mail, as the pages give them: "08-580 02 710, info@mtm.se"."""
    return f"{MTM_CONTACT['phone']}, {MTM_CONTACT['email']}"
