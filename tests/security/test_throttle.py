"""Login throttling on a normalised identity, on every door (docs/security.md).

An attacker who mistypes the case of an e-mail on purpose gets no fresh guesses;
spreading guesses over addresses (behind TRUSTED_PROXY_COUNT proxies) or over
accounts hits the account-wide and the address-wide limits; every lock lifts by
itself after the cool-off.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, BorrowerFactory, StaffFactory
from tests.selfservice.conftest import PASSWORD, call_api, service_token, with_password  # noqa: F401

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
MINA_SIDOR = reverse("selfservice:login")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def staff_login(client, email, password=TEST_PASSWORD, ip="10.0.0.1", url=LOGIN, **extra):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, email, times, **kwargs):
    for _ in range(times):
        assert staff_login(client, email, "fel", **kwargs).status_code in (200, 429)


CASE_VARIANTS = ["RITA@A.example", " rita@a.EXAMPLE ", "Rita@A.Example"]


@pytest.mark.parametrize("variant", CASE_VARIANTS)
def test_a_case_variant_of_a_locked_registrar_stays_locked(client, registrar, variant):
    fail(client, "rita@a.example", 3)
    locked = staff_login(client, variant)
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    # Nor did the attempt with the right password lift the lock.
    assert staff_login(client, "rita@a.example").status_code == 429


def test_failures_in_mixed_case_add_up(client, registrar):
    for variant in CASE_VARIANTS:
        staff_login(client, variant, "fel")
    assert staff_login(client, registrar.email).status_code == 429


@pytest.mark.parametrize("variant", ["MARIA@MTM.example", "Maria@mtm.EXAMPLE"])
def test_a_case_variant_of_a_locked_admin_login_stays_locked(client, mtm_staff, variant):
    fail(client, "maria@mtm.example", 3, url=ADMIN_LOGIN)
    response = staff_login(client, variant, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_admin_and_registrar_login_share_one_count(client, mtm_staff):
    fail(client, "Maria@mtm.example", 2, url=ADMIN_LOGIN)
    fail(client, "MARIA@mtm.example", 1)
    assert staff_login(client, mtm_staff.email, url=ADMIN_LOGIN).status_code == 429


def test_spreading_over_addresses_behind_the_proxy_hits_the_account_limit(
    client, registrar, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # Caddy appends the client's address; REMOTE_ADDR is the proxy itself.
    for n, variant in enumerate(["rita@a.example", "RITA@a.example", "Rita@A.example"] * 2):
        if n == 5:
            break
        staff_login(client, variant, "fel", ip="172.16.0.2", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    # Each address saw fewer than 3 failures, but the account saw 5: locked everywhere.
    response = staff_login(
        client, registrar.email, ip="172.16.0.2", HTTP_X_FORWARDED_FOR="10.9.0.99"
    )
    assert response.status_code == 429


def test_addresses_behind_the_proxy_are_told_apart(client, registrar, head_admin, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, registrar.email, 3, ip="172.16.0.2", HTTP_X_FORWARDED_FOR="10.9.0.1")
    proxied = {"ip": "172.16.0.2", "HTTP_X_FORWARDED_FOR": "10.9.0.1"}
    assert staff_login(client, registrar.email, **proxied).status_code == 429
    # The same account from another client address behind the same proxy is not locked.
    other = {"ip": "172.16.0.2", "HTTP_X_FORWARDED_FOR": "10.9.0.2"}
    assert staff_login(client, registrar.email, **other).status_code == 302


def test_a_forged_forwarded_for_entry_does_not_change_the_address(client, registrar, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        forged = f"203.0.113.{n}, 10.9.0.1"  # the client sent the first entry itself
        staff_login(client, registrar.email, "fel", ip="172.16.0.2", HTTP_X_FORWARDED_FOR=forged)
    proxied = {"ip": "172.16.0.2", "HTTP_X_FORWARDED_FOR": "10.9.0.1"}
    assert staff_login(client, registrar.email, **proxied).status_code == 429


def test_password_spraying_from_one_address_locks_the_address(client, registrar):
    for n in range(7):
        staff_login(client, f"gissning{n}@a.example", "Sommar2026")
    # Even the right password of an account never tried is refused from there…
    assert staff_login(client, registrar.email).status_code == 429
    # …but not from another address.
    assert staff_login(client, registrar.email, ip="10.0.0.2").status_code == 302


def test_colleagues_typos_behind_one_address_do_not_lock_the_others(client, library_a, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 100  # the default
    colleagues = [StaffFactory(email=f"kollega{n}@a.example", library=library_a) for n in range(4)]
    for colleague in colleagues:
        fail(client, colleague.email, 2)
        assert staff_login(client, colleague.email).status_code == 302
        client.logout()
    assert staff_login(client, colleagues[0].email, "fel").status_code == 200


def test_a_successful_login_does_not_clear_the_address_count(client, registrar, head_admin):
    for n in range(6):
        staff_login(client, f"gissning{n}@a.example", "fel")
    assert staff_login(client, head_admin.email).status_code == 302
    client.logout()
    staff_login(client, "gissning9@a.example", "fel")
    assert staff_login(client, registrar.email).status_code == 429


def test_a_successful_login_does_not_forgive_guesses_from_another_address(client, registrar):
    # Someone guesses Rita's password from elsewhere; her own login at the library
    # forgets only her failures there, so the guesser is locked all the same.
    fail(client, registrar.email, 2, ip="10.0.0.9")
    assert staff_login(client, registrar.email).status_code == 302
    client.logout()
    fail(client, registrar.email, 1, ip="10.0.0.9")
    assert staff_login(client, registrar.email, ip="10.0.0.9").status_code == 429


def test_at_the_strictest_limit_the_first_try_still_gets_in(client, registrar, settings):
    # AXES_FAILURE_LIMIT = 1: one wrong password locks, no failure yet locks nothing.
    settings.AXES_FAILURE_LIMIT = 1
    assert staff_login(client, registrar.email).status_code == 302
    client.logout()
    fail(client, registrar.email, 1)
    assert staff_login(client, registrar.email).status_code == 429


def test_every_lock_lifts_by_itself(client, registrar):
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        for n in range(7):
            staff_login(client, f"gissning{n}@a.example", "fel")
        fail(client, "RITA@a.example", 3, ip="10.0.0.3")
        fail(client, "Rita@a.example", 2, ip="10.0.0.5")
        assert staff_login(client, registrar.email).status_code == 429
        assert staff_login(client, registrar.email, ip="10.0.0.4").status_code == 429
    with time_machine.travel("2026-11-28 09:16 +01:00", tick=False):
        assert staff_login(client, registrar.email).status_code == 302


# -- Mina sidor, Glömt lösenord and the login check API -----------------------------------


@pytest.fixture
def borrower(library_a):
    return with_password(BorrowerFactory(library=library_a, email="lena@post.example"))


def borrower_login(client, email, password=PASSWORD, ip="10.0.0.1"):
    return client.post(MINA_SIDOR, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_mina_sidor_case_variants_stay_locked(client, borrower):
    for variant in ["lena@post.example", "LENA@post.example", " Lena@Post.Example "]:
        borrower_login(client, variant, "fel")
    assert borrower_login(client, "LENA@POST.EXAMPLE").status_code == 429


def test_mina_sidor_account_and_address_limits(client, borrower):
    for n in range(5):
        borrower_login(client, "Lena@post.example", "fel", ip=f"10.8.0.{n}")
    assert borrower_login(client, borrower.email, ip="10.8.0.50").status_code == 429
    for n in range(7):
        borrower_login(client, f"gissning{n}@post.example", "fel", ip="10.7.0.1")
    assert borrower_login(client, "annan@post.example", ip="10.7.0.1").status_code == 429


def test_mina_sidor_spraying_locks_the_address_even_for_the_right_password(client, library_a):
    other = with_password(BorrowerFactory(library=library_a, email="olle@post.example"))
    for n in range(7):  # exactly AXES_ADDRESS_FAILURE_LIMIT
        borrower_login(client, f"gissning{n}@post.example", "fel", ip="10.7.0.1")
    # Olle's right password is refused from that address, not checked…
    assert borrower_login(client, other.email, ip="10.7.0.1").status_code == 429
    # …but he logs in from his own.
    assert borrower_login(client, other.email, ip="10.7.0.2").status_code == 302


def test_lenas_own_login_does_not_forgive_guesses_from_another_address(client, borrower):
    borrower_login(client, borrower.email, "fel", ip="10.6.0.9")
    borrower_login(client, borrower.email, "fel", ip="10.6.0.9")
    assert borrower_login(client, borrower.email).status_code == 302  # Lena, at home
    client.logout()
    borrower_login(client, borrower.email, "fel", ip="10.6.0.9")  # the guesser's third
    assert borrower_login(client, borrower.email, ip="10.6.0.9").status_code == 429


def test_staff_reset_mails_are_limited_per_normalised_email(client, registrar):
    url = reverse("accounts:password_reset")
    for variant in ["rita@a.example", "RITA@a.example", "Rita@A.example", "rita@A.EXAMPLE"]:
        assert client.post(url, {"email": variant}).status_code == 302
    assert len(mail.outbox) == 3


def test_the_api_throttles_case_variants_as_one(client, borrower, service_token):  # noqa: F811
    for variant in ["lena@post.example", "LENA@post.example", "Lena@Post.example"]:
        call_api(client, service_token.plain, email=variant, password="fel")
    response = call_api(client, service_token.plain, email="LENA@POST.EXAMPLE")
    assert response.status_code == 429
