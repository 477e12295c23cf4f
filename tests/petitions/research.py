"""A small archive whose figures are worked out by hand, for the tests of the exports,
the API, the feeds and the statistics.

| number    | session | addressed to  | presented  | responses (days)       | signatures |
| --------- | ------- | ------------- | ---------- | ---------------------- | ---------- |
| e-101     | 441     | Public Safety | 2023-03-20 | Public Safety 44       | 1,200      |
| e-102     | 441     | Public Safety | 2023-03-20 | Public Safety 73       | 800        |
| e-103     | 441     | Public Safety | 2023-04-01 | none (overdue)         | 600        |
| 441-00005 | 441     | Health        | 2023-02-01 | Health 37              | 30         |
| e-104     | 432     | Health        | 2021-03-01 | Health 75              | 5,000      |
| e-105     | 441     | Public Safety | (open)     |                        |            |
| e-106     | 441     | Health        | 2023-05-01 | Health 31, Public Safety 50 | 100   |
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests.factories import (
    CaucusFactory,
    GovernmentResponseFactory,
    KeywordFactory,
    MemberFactory,
    MinistryFactory,
    PaperPetitionFactory,
    PetitionFactory,
    ProvinceSignatureCountFactory,
    SessionFactory,
    SignatureWindowFactory,
    TopicFactory,
)

OTTAWA = ZoneInfo("America/Toronto")


def day(text):
    return datetime.date.fromisoformat(text)


def respond(petition, ministry, tabled_on, position=1, **extra):
    return GovernmentResponseFactory(
        petition=petition, ministry=ministry, tabled_on=day(tabled_on), position=position, **extra
    )


def build_archive():
    """The archive of the module docstring; returns its ministries, Members and petitions."""
    s441 = SessionFactory(parliament=44, session=1)
    s432 = SessionFactory(parliament=43, session=2, started_on=day("2020-09-23"))
    safety = MinistryFactory()
    health = MinistryFactory(title_en="Minister of Health", title_fr="ministre de la Santé")
    safety_topic = TopicFactory()
    health_topic = TopicFactory(name_en="Health", name_fr="Santé")
    conservative = CaucusFactory()
    ndp = CaucusFactory(short_name="NDP", name_en="NDP Caucus", name_fr="Caucus du NPD")
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman")
    blaikie = MemberFactory(first_name="Daniel", last_name="Blaikie", slug="daniel-blaikie")
    keyword = KeywordFactory(name_en="Firearms", name_fr="Armes à feu", slug="firearms")

    def petition(number, **fields):
        fields.setdefault("session", s441)
        return PetitionFactory(number=number, **fields)

    e101 = petition(
        "e-101",
        ministry=safety,
        topic=safety_topic,
        sponsor=lantsman,
        sponsor_caucus=conservative,
        petitioner_name="Jane Doe",
        petitioner_province="ON",
        presented_on=day("2023-03-20"),
        presentation_number="441-01184",
        signature_count=1200,
        prayer_en="We call upon the Minister of Public Safety to act on firearms.",
        prayer_fr="Nous demandons au ministre de la Sécurité publique d’agir.",
    )
    e101.keywords.add(keyword)
    SignatureWindowFactory(
        petition=e101,
        opens_at=datetime.datetime(2022, 11, 16, 14, 23, tzinfo=OTTAWA),
        closes_at=datetime.datetime(2023, 2, 14, 14, 23, tzinfo=OTTAWA),
    )
    ProvinceSignatureCountFactory(petition=e101, province="ON", signature_count=1000)
    ProvinceSignatureCountFactory(petition=e101, province="QC", signature_count=200)
    respond(e101, safety, "2023-05-03", signed_by="Pam Damoff, M.P.")
    e102 = petition(
        "e-102",
        ministry=safety,
        topic=safety_topic,
        sponsor=blaikie,
        sponsor_caucus=ndp,
        petitioner_province="QC",
        presented_on=day("2023-03-20"),
        signature_count=800,
        prayer_en="We call upon the Government to fund rural police.",
    )
    respond(e102, safety, "2023-06-01")
    e103 = petition(
        "e-103",
        ministry=safety,
        topic=safety_topic,
        sponsor=lantsman,
        sponsor_caucus=conservative,
        presented_on=day("2023-04-01"),
        signature_count=600,
        prayer_en="We call upon the Minister to review the border.",
    )
    paper = PaperPetitionFactory(
        number="441-00005",
        session=s441,
        ministry=health,
        topic=health_topic,
        presented_on=day("2023-02-01"),
        signature_count=30,
        prayer_en="We, the undersigned, ask for a hospital.",
    )
    respond(paper, health, "2023-03-10")
    e104 = petition(
        "e-104",
        session=s432,
        ministry=health,
        topic=health_topic,
        presented_on=day("2021-03-01"),
        signature_count=5000,
        prayer_en="We call upon the Minister of Health to act.",
    )
    respond(e104, health, "2021-05-15")
    e105 = petition("e-105", ministry=safety, topic=safety_topic, sponsor=blaikie)
    now = timezone.now()
    SignatureWindowFactory(
        petition=e105,
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=50),
    )
    e106 = petition(
        "e-106",
        ministry=health,
        topic=health_topic,
        presented_on=day("2023-05-01"),
        signature_count=100,
        prayer_en="We call upon the Government to act on health and safety.",
    )
    respond(e106, health, "2023-06-01", position=1)
    respond(e106, safety, "2023-06-20", position=2)
    return {
        "safety": safety,
        "health": health,
        "lantsman": lantsman,
        "blaikie": blaikie,
        "petitions": [e101, e102, e103, paper, e104, e105, e106],
    }


def many_petitions(count, *, start=0, responses=True):
    """`count` petitions with every relation a record shows: topic, keywords, ministry,
    sponsor, caucus, presenter, window, two counts by province and a response."""
    topic = TopicFactory()
    ministry = MinistryFactory()
    caucus = CaucusFactory()
    keywords = [KeywordFactory(), KeywordFactory()]
    sponsor = MemberFactory()
    for n in range(start, start + count):
        window = SignatureWindowFactory(
            petition__number=f"e-{n + 1}",
            petition__topic=topic,
            petition__ministry=ministry,
            petition__sponsor=sponsor,
            petition__sponsor_caucus=caucus,
            petition__presenter=MemberFactory(),
            petition__signature_count=100 + n,
            petition__presented_on=day("2023-01-01") + datetime.timedelta(days=n),
        )
        petition = window.petition
        petition.keywords.add(*keywords)
        ProvinceSignatureCountFactory(petition=petition, province="ON", signature_count=60)
        ProvinceSignatureCountFactory(petition=petition, province="QC", signature_count=40 + n)
        if responses:
            GovernmentResponseFactory(
                petition=petition,
                ministry=ministry,
                tabled_on=petition.presented_on + datetime.timedelta(days=30),
            )
