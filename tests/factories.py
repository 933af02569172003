"""Factories for the cast of the tests. Identity numbers come only from
Skatteverket's reserved test numbers (tests/data)."""

import factory

from accounts.models import Role, StaffUser
from libraries.models import Library, LibraryType, Municipality

TEST_PASSWORD = "Korrekt-häst-batteri-häftklammer"  # noqa: S105


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    name = factory.Sequence(lambda n: f"Testbibliotek {n}")
    library_type = LibraryType.PUBLIC
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="Stockholm"))
    contact_name = "Tove Talbok"
    contact_email = factory.Sequence(lambda n: f"talbok{n}@bibliotek.example")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@bibliotek.example")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Efternamn"
    library = factory.SubFactory(LibraryFactory)
    role = Role.REGISTRAR

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or TEST_PASSWORD)
        if create:
            user.save(update_fields=["password"])
