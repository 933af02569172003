"""The service's identity on every page: the version in the footer."""

import tomllib
from functools import cache
from pathlib import Path

from django import template
from django.conf import settings

from core.contact import MTM_CONTACT, mtm_contact_text

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
    return mtm_contact_text()


@register.simple_tag
def mtm_contact_details() -> dict:
    """MTM's name, phone and e-mail one by one (`{% mtm_contact_details as mtm %}`),
    for a page or mail that gives them apart."""
    return dict(MTM_CONTACT)
