"""Borrowers with passwords, a service token and a logged-in Mina sidor client."""

from tests.selfservice.conftest import (  # noqa: F401  (fixtures)
    _throttle_settings,
    borrower,
    borrower_client,
    service_token,
)
