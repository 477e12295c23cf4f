"""factory_boy factories with the fewest fields a valid row needs."""

import datetime

import factory
from django.utils import timezone

from petitions.models import (
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    ProvinceSignatureCount,
    SignatureWindow,
    Topic,
)
from responses.models import GovernmentResponse


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParliamentarySession
        django_get_or_create = ["parliament", "session"]

    parliament = 44
    session = 1
    started_on = datetime.date(2021, 11, 22)


class CaucusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caucus
        django_get_or_create = ["short_name"]

    short_name = "Conservative"
    name_en = "Conservative Caucus"
    name_fr = "Caucus conservateur"
    slug = factory.LazyAttribute(lambda caucus: caucus.short_name.lower())


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    first_name = factory.Sequence(lambda n: f"Member{n}")
    last_name = "Smith"
    slug = factory.LazyAttribute(lambda m: f"{m.first_name}-{m.last_name}".lower())


class MinistryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ministry
        django_get_or_create = ["title_en"]

    title_en = "Minister of Public Safety"
    title_fr = "ministre de la Sécurité publique"
    slug = factory.LazyAttribute(lambda m: m.title_en.lower().replace(" ", "-"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name_en"]

    name_en = "Public safety"
    name_fr = "Sécurité publique"
    slug = factory.LazyAttribute(lambda t: t.name_en.lower().replace(" ", "-"))


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword

    name_en = factory.Sequence(lambda n: f"Keyword {n}")
    slug = factory.Sequence(lambda n: f"keyword-{n}")


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition

    number = factory.Sequence(lambda n: f"e-{n + 1}")
    kind = Kind.ELECTRONIC
    session = factory.SubFactory(SessionFactory)
    prayer_en = "We, the undersigned, call upon the Government of Canada to act."


class PaperPetitionFactory(PetitionFactory):
    number = factory.Sequence(lambda n: f"441-{n + 1:05d}")
    kind = Kind.PAPER
    presentation_number = factory.LazyAttribute(lambda p: p.number)
    presented_on = datetime.date(2023, 3, 20)
    signature_count = 30


class SignatureWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignatureWindow

    petition = factory.SubFactory(PetitionFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyAttribute(lambda w: w.opens_at + datetime.timedelta(days=60))


class ProvinceSignatureCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvinceSignatureCount

    petition = factory.SubFactory(PetitionFactory)
    province = "ON"
    signature_count = 100


class GovernmentResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentResponse

    petition = factory.SubFactory(
        PetitionFactory, presented_on=datetime.date(2023, 3, 20), presentation_number="441-01184"
    )
    position = 1
    ministry = factory.SubFactory(MinistryFactory)
    signed_by = "Pam Damoff, M.P."
    tabled_on = datetime.date(2023, 5, 3)
    text_en = "Our government is aware of the concern."


def clerk_group_as_migrated():
    """The Clerk group with the permissions its migration gives it. A flush makes the
    content types and permissions again (post_migrate) but not the group. (Django's
    serialized rollback cannot stand in: after another test's flush the content types
    come back under new ids, and reloading the saved ones collides with them.)"""
    from django.apps import apps

    from petitions.clerks import clerk_group_make

    return clerk_group_make(apps)
