"""Slå ihop konton and sign-in: the account merged away stops working at every
client, its refresh tokens included; the kept account keeps its `sub`."""

import pytest

from borrowers.merge import merge
from signin.models import AccessToken, Grant, IDToken, RefreshToken, Subject
from tests.factories import BorrowerFactory

from .conftest import USERINFO, refresh, sign_in

pytestmark = pytest.mark.django_db


def test_the_account_merged_away_loses_its_tokens_and_its_sub(
    client, borrower, app, library_a, mtm_staff
):
    tokens = sign_in(client, app)
    other_sub = Subject.of(borrower)
    kept = BorrowerFactory(library=library_a, email="lena.ny@post.example")
    kept_sub = Subject.of(kept)

    merge(keep=kept, other=borrower, by=mtm_staff, sources={})

    assert refresh(client, app, tokens["refresh_token"]).status_code == 400
    userinfo = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401
    for model in (Grant, AccessToken, RefreshToken, IDToken):
        assert not model.objects.exists(), model
    assert Subject.of(kept) == kept_sub
    assert not Subject.objects.filter(sub=other_sub).exists()
