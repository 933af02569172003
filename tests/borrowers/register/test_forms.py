"""The rules of the four create forms (SPEC §2 Borrowers), checked on the forms themselves."""

import re

import pytest
from django.template import Context, Template

from borrowers.forms.register import (
    AdultBorrowerForm,
    LmaAdultBorrowerForm,
    LmaMinorBorrowerForm,
    MinorBorrowerForm,
)
from tests.factories import BorrowerFactory

from .conftest import (
    ADULT,
    MINOR_SAMORDNINGSNUMMER,
    SAMORDNINGSNUMMER,
    TURNS_18,
    valid_data,
)

FORMS = {
    "adult": AdultBorrowerForm,
    "minor": MinorBorrowerForm,
    "lma_adult": LmaAdultBorrowerForm,
    "lma_minor": LmaMinorBorrowerForm,
}


def make(kind, registrar, **overrides):
    return FORMS[kind](valid_data(kind, **overrides), registrar=registrar)


def codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize("kind", FORMS)
def test_each_form_accepts_valid_data(kind, registrar):
    form = make(kind, registrar)
    assert form.is_valid(), form.errors


def rendered_labels(form) -> list[str]:
    """The labels and legends as the page shows them, top to bottom."""
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    texts = re.findall(r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", html, flags=re.S)
    # A checkbox of a group (the user groups) is labelled inside its legend's fieldset.
    return [text.strip().removesuffix(" (frivilligt)") for text in texts if "<input" not in text]


def test_forms_have_the_labels_of_the_spec_in_order(registrar, published):
    """The handbook's step 3 first: read the agreement with the borrower, tick it;
    then the form. The guardian's details are one group under its own legend."""
    labels = {kind: rendered_labels(FORMS[kind](registrar=registrar)) for kind in FORMS}
    agreement = (
        "Jag förbinder mig att följa MTM:s låneregler, och att hålla mig informerad om "
        "eventuella ändringar i lånereglerna."
    )
    tail = ["Publicerade användargrupper"]
    ending = ["Skicka inloggningsuppgifter med e-post"]
    for kind in FORMS:
        # The summary of errors lists them in the same order as the page.
        assert [str(field.label) for field in FORMS[kind](registrar=registrar)] == [
            label for label in labels[kind] if label != "Vårdnadshavare"
        ], kind
    assert labels["adult"] == [
        agreement,
        "Person-/Samordningsnummer",
        "Förnamn",
        "Efternamn",
        "E-post",
        "Språk",
        "Giltighetstid t.o.m.",
        *tail,
        "Skyddad identitet",
        *ending,
    ]
    assert labels["minor"] == [
        agreement,
        "Person-/Samordningsnummer",
        "Förnamn",
        "Efternamn",
        "E-post",
        "Språk",
        "Giltighetstid t.o.m.",
        "Vårdnadshavare",
        "Vårdnadshavarens födelsedatum",
        *tail,
        "Skyddad identitet",
        *ending,
    ]
    assert labels["lma_adult"] == [
        agreement,
        "LMA-nummer",
        "LMA-kortets giltighetstid",
        "Förnamn",
        "Efternamn",
        "E-post",
        "Språk",
        *tail,
        *ending,
    ]
    assert labels["lma_minor"] == [
        agreement,
        "LMA-nummer",
        "LMA-kortets giltighetstid",
        "Förnamn",
        "Efternamn",
        "E-post",
        "Språk",
        "Vårdnadshavare",
        "Vårdnadshavarens födelsedatum",
        "Vårdnadshavarens namn",
        *tail,
        *ending,
    ]


def test_services_offer_only_published_groups(registrar, published, unpublished):
    form = AdultBorrowerForm(registrar=registrar)
    assert list(form.fields["services"].queryset) == published
    form = make("adult", registrar, services=[str(unpublished.pk)])
    assert codes(form, "services") == ["invalid_choice"]
    assert form.errors["services"] == ["Välj bara bland användargrupperna som visas."]


def test_send_credentials_is_ticked_by_default_and_explains_the_alternative(registrar):
    field = AdultBorrowerForm(registrar=registrar)["send_credentials"]
    assert field.initial is True
    assert "Byt lösenord" in str(field.help_text)


def test_agreement_is_required_and_links_to_the_agreement_text(registrar):
    form = make("adult", registrar, agreement=None)
    assert codes(form, "agreement") == ["required"]
    assert 'href="/lantagare/avtalstext/"' in str(form.fields["agreement"].help_text)
    assert "Avtalstext" in str(form.fields["agreement"].help_text)


# --- adult or minor from the number ------------------------------------------


def test_adult_form_refuses_a_minors_personnummer(registrar):
    form = make("adult", registrar, identifier="20150101-2395")
    assert codes(form, "identifier") == ["minor"]
    assert "Skapa låntagare under 18 år" in form.errors["identifier"][0]
    assert form.right_form == "borrowers:create_minor"


def test_minor_form_refuses_an_adults_personnummer(registrar):
    form = make("minor", registrar, identifier=ADULT)
    assert codes(form, "identifier") == ["adult"]
    assert "Skapa vuxen låntagare" in form.errors["identifier"][0]
    assert form.right_form == "borrowers:create_adult"


def test_age_is_decided_by_today(registrar, time_machine):
    # Born 2008-06-03: a minor the day before the 18th birthday, an adult on it.
    time_machine.move_to("2026-06-02 12:00")
    assert make("minor", registrar, identifier=TURNS_18).is_valid()
    assert codes(make("adult", registrar, identifier=TURNS_18), "identifier") == ["minor"]
    time_machine.move_to("2026-06-03 12:00")
    assert make("adult", registrar, identifier=TURNS_18).is_valid()
    assert codes(make("minor", registrar, identifier=TURNS_18), "identifier") == ["adult"]


def test_minor_form_refuses_an_adults_samordningsnummer(registrar):
    form = make("minor", registrar, identifier=SAMORDNINGSNUMMER, valid_until="2026-12-31")
    assert codes(form, "identifier") == ["adult"]


def test_minor_samordningsnummer_goes_on_the_minor_form(registrar):
    form = make("minor", registrar, identifier=MINOR_SAMORDNINGSNUMMER, valid_until="2026-12-31")
    assert form.is_valid(), form.errors


# --- validity ---------------------------------------------------------------


def test_personnummer_validity_is_optional(registrar):
    form = make("adult", registrar)
    assert form.is_valid()
    assert form.cleaned_data["valid_until"] is None


def test_validity_may_not_be_in_the_past(registrar):
    form = make("adult", registrar, valid_until="2026-03-15")
    assert codes(form, "valid_until") == ["past"]
    assert make("adult", registrar, valid_until="2026-03-16").is_valid()


def test_samordningsnummer_needs_a_validity(registrar):
    form = make("adult", registrar, identifier=SAMORDNINGSNUMMER)
    assert codes(form, "valid_until") == ["required_for_samordningsnummer"]


def test_samordningsnummer_validity_is_at_most_one_year_ahead(registrar):
    assert make(
        "adult", registrar, identifier=SAMORDNINGSNUMMER, valid_until="2027-03-16"
    ).is_valid()
    form = make("adult", registrar, identifier=SAMORDNINGSNUMMER, valid_until="2027-03-17")
    assert codes(form, "valid_until") == ["too_far"]
    assert "2027-03-16" in form.errors["valid_until"][0]


def test_personnummer_validity_may_be_longer_than_a_year(registrar):
    assert make("adult", registrar, valid_until="2030-01-01").is_valid()


@pytest.mark.parametrize("kind", ["lma_adult", "lma_minor"])
def test_lma_card_validity_is_required(kind, registrar):
    form = make(kind, registrar, valid_until="")
    assert codes(form, "valid_until") == ["required"]
    assert form.errors["valid_until"] == ["Ange sista giltighetsdagen på LMA-kortet."]


def test_an_expired_lma_card_is_refused(registrar):
    form = make("lma_adult", registrar, valid_until="2026-03-15")
    assert codes(form, "valid_until") == ["past"]


def test_lma_number_with_the_slash_part_is_explained(registrar):
    form = make("lma_adult", registrar, identifier="99-000011/01")
    assert codes(form, "identifier") == ["lma_slash"]


# --- guardian ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["minor", "lma_minor"])
def test_guardian_birth_date_is_required_on_minor_forms(kind, registrar):
    form = make(kind, registrar, guardian_birth_date="")
    assert codes(form, "guardian_birth_date") == ["required"]


@pytest.mark.parametrize("kind", ["minor", "lma_minor"])
def test_guardian_must_be_18_today(kind, registrar):
    form = make(kind, registrar, guardian_birth_date="2008-03-17")
    assert codes(form, "guardian_birth_date") == ["guardian_minor"]
    assert make(kind, registrar, guardian_birth_date="2008-03-16").is_valid()


def test_guardian_born_in_the_future_is_refused(registrar):
    form = make("minor", registrar, guardian_birth_date="2030-01-01")
    assert codes(form, "guardian_birth_date") == ["future"]


def test_lma_minor_needs_the_guardians_name(registrar):
    form = make("lma_minor", registrar, guardian_name="")
    assert codes(form, "guardian_name") == ["required"]


def test_adult_forms_ask_nothing_about_a_guardian(registrar):
    assert "guardian_birth_date" not in AdultBorrowerForm(registrar=registrar).fields
    assert "guardian_name" not in MinorBorrowerForm(registrar=registrar).fields


# --- e-mail -----------------------------------------------------------------


def test_email_must_be_unique_whatever_the_case(registrar, library_b):
    BorrowerFactory(library=library_b, email="Nora.Ny@Post.example")
    form = make("adult", registrar)
    assert codes(form, "email") == ["taken"]
    assert "e-postadress" in form.errors["email"][0]


def test_registrar_cannot_register_their_own_email(registrar):
    form = make("adult", registrar, email=registrar.email.upper())
    assert codes(form, "email") == ["own_email"]


# --- existing people --------------------------------------------------------


def test_identifier_at_own_library_points_to_the_borrower(registrar, library_a):
    existing = BorrowerFactory(library=library_a, identifier=ADULT)
    form = make("adult", registrar)
    assert codes(form, "identifier") == ["registered_here"]
    assert form.registered_here == existing and form.registered_elsewhere is None


def test_identifier_at_a_branch_counts_as_own_library(registrar, branch_a):
    existing = BorrowerFactory(library=branch_a, identifier=ADULT)
    form = make("adult", registrar, library=str(branch_a.pk))
    assert codes(form, "identifier") == ["registered_here"]
    assert form.registered_here == existing


def test_identifier_at_another_library_names_that_library(registrar, library_b):
    existing = BorrowerFactory(library=library_b, identifier=ADULT)
    form = make("adult", registrar)
    assert codes(form, "identifier") == ["registered_elsewhere"]
    assert form.registered_elsewhere == existing
    assert library_b.name in form.errors["identifier"][0]


def test_same_person_by_identifier_and_email_gives_one_message(registrar, library_b):
    BorrowerFactory(library=library_b, identifier=ADULT, email="nora.ny@post.example")
    form = make("adult", registrar)
    assert not form.is_valid()
    assert "email" not in form.errors


def test_protected_identifier_only_says_contact_mtm(registrar):
    BorrowerFactory(protected=True, identifier=ADULT)
    form = make("adult", registrar)
    assert codes(form, "identifier") == ["contact_mtm"]
    assert form.registered_here is None and form.registered_elsewhere is None
    message = form.errors["identifier"][0]
    assert "Kontakta MTM" in message and "skydd" not in message.lower()


def test_protected_email_only_says_contact_mtm(registrar):
    BorrowerFactory(protected=True, email="nora.ny@post.example")
    form = make("adult", registrar)
    assert codes(form, "email") == ["contact_mtm"]
    assert "skydd" not in form.errors["email"][0].lower()


# --- protected identity -----------------------------------------------------


def test_protected_identity_is_offered_only_on_the_personnummer_forms(registrar):
    assert "protected_identity" in AdultBorrowerForm(registrar=registrar).fields
    assert "protected_identity" in MinorBorrowerForm(registrar=registrar).fields
    assert "protected_identity" not in LmaAdultBorrowerForm(registrar=registrar).fields
    assert "protected_identity" not in LmaMinorBorrowerForm(registrar=registrar).fields


def test_names_may_be_left_out_for_a_protected_identity(registrar):
    form = make("adult", registrar, first_name="", last_name="", protected_identity="on")
    assert form.is_valid(), form.errors
    assert codes(make("adult", registrar, first_name=""), "first_name") == ["required"]


# --- library ----------------------------------------------------------------


def test_no_library_choice_without_branches(registrar):
    assert "library" not in AdultBorrowerForm(registrar=registrar).fields


def test_library_choice_is_the_main_library_and_its_branches(registrar, branch_a, library_b):
    field = AdultBorrowerForm(registrar=registrar).fields["library"]
    assert list(field.queryset) == [registrar.library, branch_a]
    assert field.initial == registrar.library.pk


def test_library_choice_refuses_another_library(registrar, branch_a, library_b):
    form = make("adult", registrar, library=str(library_b.pk))
    assert codes(form, "library") == ["invalid_choice"]
    assert make("adult", registrar, library=str(branch_a.pk)).is_valid()


def test_branch_is_preselected_only_within_the_scope(registrar, branch_a, library_b):
    form = AdultBorrowerForm(registrar=registrar, initial_library=str(branch_a.pk))
    assert form.fields["library"].initial == branch_a.pk
    form = AdultBorrowerForm(registrar=registrar, initial_library=str(library_b.pk))
    assert form.fields["library"].initial == registrar.library.pk
    form = AdultBorrowerForm(registrar=registrar, initial_library="x")
    assert form.fields["library"].initial == registrar.library.pk


def test_closed_branches_are_not_offered(registrar, branch_a):
    from tests.factories import LibraryFactory

    LibraryFactory(parent=registrar.library, active=False)
    field = AdultBorrowerForm(registrar=registrar).fields["library"]
    assert list(field.queryset) == [registrar.library, branch_a]
