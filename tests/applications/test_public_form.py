"""Ansök om ett registrerarkonto: the search step, the form, and the one answer
(the thank-you page) to everything but a plain input error."""

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.models import RATE_LIMIT, AccountApplication, client_key
from tests.applications.conftest import APPLY, THANKS, application_data, send
from tests.factories import LibraryFactory, StaffFactory

SEARCH = reverse("applications:library_search")


def closed(**fields):
    """A closed library: inactive, and it once had staff (unlike a library of the
    directory not yet connected, which may be applied for)."""
    library = LibraryFactory(active=False, **fields)
    StaffFactory(library=library, is_active=False)
    return library


def test_the_forms_are_open_without_logging_in(client, library_a):
    assert client.get(SEARCH).status_code == 200
    assert client.get(APPLY, {"bibliotek": library_a.pk}).status_code == 200
    assert client.get(THANKS).status_code == 200


def test_the_login_page_links_to_the_application(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{SEARCH}"' in page and "Ansök om ett registrerarkonto" in page


def test_search_shows_type_county_municipality_and_a_choice_button(
    client, library_a, library_b, django_assert_max_num_queries
):
    closed(name="Bibliotek A gammalt")
    with django_assert_max_num_queries(4):
        response = client.get(SEARCH, {"q": "bibliotek a"})
    page = response.content.decode()
    assert list(response.context["page"]) == [library_a]
    for text in ("Bibliotekstyp", "Län", "Kommun", "Stockholms län", "Välj detta bibliotek"):
        assert text in page
    assert f'name="bibliotek" value="{library_a.pk}"' in page


def test_search_without_a_name_shows_the_error_summary(client):
    response = client.get(SEARCH, {"q": "  "})
    assert "Skriv hela eller en del av bibliotekets namn." in response.content.decode()
    assert response.context["page"] is None


def test_the_form_shows_the_chosen_library_in_a_hidden_field(client, branch_a):
    response = client.get(APPLY, {"bibliotek": branch_a.pk})
    page = response.content.decode()
    assert branch_a.name in page
    assert f'<input type="hidden" name="library" value="{branch_a.pk}"' in page


def test_the_form_without_an_active_library_goes_back_to_the_search(client, db):
    inactive = closed()
    for value in ("", "abc", str(inactive.pk), "999999"):
        response = client.get(APPLY, {"bibliotek": value})
        assert response.status_code == 302 and response.url == SEARCH


def test_a_valid_application_is_stored_and_answered_with_the_thank_you_page(client, branch_a):
    response = send(client, branch_a)
    assert response.status_code == 302 and response.url == THANKS
    application = AccountApplication.objects.get()
    assert application.library == branch_a
    assert (application.first_name, application.email, application.role) == (
        "Alva",
        "alva@a.example",
        "registrerare",
    )
    assert application.works_at_library and application.course_taken
    assert application.is_pending
    # The address is kept only as a keyed hash, for the rate limit.
    assert application.client_key == client_key("10.0.0.1") != "10.0.0.1"


def test_a_mediator_needs_no_registrar_course(client, library_a):
    response = send(client, library_a, role="formedlare", course_taken=None)
    assert response.url == THANKS
    assert AccountApplication.objects.get().role == "formedlare"


def test_a_registrar_must_have_taken_the_course(client, library_a):
    response = send(client, library_a, course_taken=None)
    assert response.status_code == 200
    assert "Kryssa i rutan för att bekräfta att du har gått MTM:s registrerarkurs." in (
        response.content.decode()
    )
    assert not AccountApplication.objects.exists()


def test_empty_fields_show_the_form_again_with_specific_errors_and_keep_what_was_typed(
    client, library_a
):
    response = client.post(
        APPLY,
        {"library": library_a.pk, "first_name": "Alva", "email": "inte-en-adress"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="error-summary"') == 1
    assert response.context["library"] == library_a
    for message in (
        "Skriv ditt efternamn.",
        "Skriv e-postadressen i formatet namn@exempel.se.",
        "Skriv ditt telefonnummer på arbetet.",
        "Välj registrerare eller förmedlare.",
        "Kryssa i rutan för att bekräfta att du arbetar på biblioteket.",
    ):
        assert message in page
    assert 'value="Alva"' in page and 'value="inte-en-adress"' in page
    assert "<title>Fel: " in page
    assert not AccountApplication.objects.exists()


def test_a_closed_library_is_refused(client, db):
    inactive = closed()
    response = send(client, inactive)
    assert response.status_code == 200
    assert "Välj ditt bibliotek: sök efter det igen." in response.content.decode()
    assert not AccountApplication.objects.exists()


def test_a_filled_honeypot_is_discarded_with_the_same_answer(client, library_a):
    response = send(client, library_a, website="http://spam.example")
    assert response.status_code == 302 and response.url == THANKS
    assert not AccountApplication.objects.exists()


def test_a_filled_honeypot_gets_the_thank_you_page_even_with_errors(client, library_a):
    response = client.post(APPLY, {"website": "köp nu"})
    assert response.status_code == 302 and response.url == THANKS


def test_the_honeypot_is_hidden_from_people(client, library_a):
    page = client.get(APPLY, {"bibliotek": library_a.pk}).content.decode()
    hiding_place = page[page.index('<div class="visually-hidden" aria-hidden="true">') :]
    hiding_place = hiding_place[: hiding_place.index("</div>")]
    assert 'name="website"' in hiding_place
    assert 'tabindex="-1"' in hiding_place and 'autocomplete="off"' in hiding_place
    assert page.count('name="website"') == 1


def test_more_than_the_limit_per_address_within_an_hour_are_discarded(client, library_a):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False):
        for n in range(RATE_LIMIT + 1):
            response = send(client, library_a, email=f"person{n}@a.example")
            assert response.url == THANKS
        # Another address is not affected.
        send(client, library_a, ip="10.0.0.2", email="annan@a.example")
    emails = set(AccountApplication.objects.values_list("email", flat=True))
    assert len(emails) == RATE_LIMIT + 1
    assert f"person{RATE_LIMIT}@a.example" not in emails
    assert "annan@a.example" in emails


def test_the_rate_limit_lifts_after_an_hour(client, library_a):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False):
        for n in range(RATE_LIMIT):
            send(client, library_a, email=f"person{n}@a.example")
    with time_machine.travel("2026-03-02 10:01 +01:00", tick=False):
        send(client, library_a, email="senare@a.example")
    assert AccountApplication.objects.filter(email="senare@a.example").exists()


def test_a_second_pending_application_for_the_same_email_is_discarded(client, library_a, library_b):
    send(client, library_a)
    response = send(client, library_b, email="ALVA@a.example", ip="10.0.0.9")
    assert response.url == THANKS
    assert AccountApplication.objects.get().library == library_a


def test_after_a_decision_the_same_email_may_apply_again(client, library_a, account_application):
    account_application.status = "rejected"
    account_application.save()
    send(client, library_a)
    assert AccountApplication.objects.filter(email="alva@a.example").count() == 2


def test_an_email_with_an_account_gets_the_same_answer_and_mtm_sees_it(client, library_a):
    StaffFactory(email="alva@a.example", library=library_a)
    response = send(client, library_a, email="Alva@A.example")
    assert response.status_code == 302 and response.url == THANKS
    application = AccountApplication.objects.with_email_in_use().get()
    assert application.email_in_use


def test_every_path_gives_byte_identical_answers(client, library_a):
    StaffFactory(email="finns@a.example", library=library_a)
    answers = [
        send(client, library_a),  # stored
        send(client, library_a),  # duplicate
        send(client, library_a, email="ny@a.example", website="x"),  # honeypot
        send(client, library_a, email="finns@a.example"),  # has an account
    ]
    for n in range(RATE_LIMIT):  # fill the limit of another address …
        answers.append(send(client, library_a, email=f"p{n}@a.example", ip="10.0.0.5"))
    # … and go over it
    answers.append(send(client, library_a, email="over@a.example", ip="10.0.0.5"))
    assert not AccountApplication.objects.filter(email="over@a.example").exists()
    assert {(a.status_code, a.url, a.content) for a in answers} == {(302, THANKS, b"")}


def test_the_application_page_shows_the_form_fields_with_labels(client, library_a):
    page = client.get(APPLY, {"bibliotek": library_a.pk}).content.decode()
    for label in (
        "Förnamn",
        "Efternamn",
        "E-post",
        "Telefon",
        "Jag ansöker om ett konto som",
        "Jag arbetar på det här biblioteket",
        "Jag har gått MTM:s registrerarkurs",
    ):
        assert label in page
    assert "<legend" in page


def test_application_data_helper_matches_the_form(library_a):
    from applications.forms import AccountApplicationForm

    form = AccountApplicationForm(application_data(library_a))
    assert form.is_valid(), form.errors


def test_the_database_keeps_one_pending_application_per_email(account_application, library_b):
    fields = {
        "first_name": "A",
        "last_name": "B",
        "phone": "1",
        "library": library_b,
        "role": "registrerare",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountApplication.objects.create(email="ALVA@a.example", **fields)
    # submit() discards a duplicate without an error, whatever the case of the address.
    assert (
        AccountApplication.submit(client_address="10.0.0.1", email="Alva@a.example", **fields)
        is None
    )


def test_a_library_of_the_directory_not_yet_connected_is_found_by_sigel_and_applied_for(client, db):
    waiting = LibraryFactory(name="Vallentuna bibliotek", sigel="Vall", active=False)
    closed_branch = LibraryFactory(
        name="Vallentuna filial", sigel="Vallf", parent=LibraryFactory(), active=False
    )
    assert list(client.get(SEARCH, {"q": "vall"}).context["page"]) == [waiting]
    assert list(client.get(SEARCH, {"q": "Vallentuna"}).context["page"]) == [waiting]
    assert client.get(APPLY, {"bibliotek": waiting.pk}).status_code == 200
    assert client.get(APPLY, {"bibliotek": closed_branch.pk}).status_code == 302
    assert send(client, waiting).url == THANKS
    assert AccountApplication.objects.get().library == waiting
