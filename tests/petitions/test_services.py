"""petition_upsert and petition_import: the writes behind import_petitions."""

import datetime

import pytest
from reversion.models import Version

from petitions.house.dates import OTTAWA
from petitions.models import Petition, Topic
from petitions.services import RecordInvalid, petition_import, petition_upsert


@pytest.fixture
def reference(db):
    """The reference data: made by its migration, nothing to load."""


def record(**changes):
    base = {
        "number": "e-7001",
        "kind": "electronic",
        "parliament": 44,
        "session": 1,
        "topic": {"en": "Health"},
        "petitioner_name": "Ada Lovelace",
        "petitioner_province": "ON",
        "addressee_kind": "government",
        "prayer_en": "We call upon the Government of Canada to act.",
        "opens_at": datetime.datetime(2023, 1, 10, 9, tzinfo=OTTAWA),
        "closes_at": datetime.datetime(2023, 3, 11, 9, tzinfo=OTTAWA),
        "signature_count": 700,
        "province_counts": {"ON": 600, "QC": 100},
    }
    return base | changes


def test_upsert_creates_then_finds_nothing_to_change(reference):
    assert petition_upsert(record=record(), comment="test") == "created"
    assert petition_upsert(record=record(), comment="test") == "unchanged"
    petition = Petition.objects.get(number="e-7001")
    assert petition.topic.name_en == "Health"
    assert petition.window.length_days == 60
    assert Version.objects.get_for_object(petition).count() == 1


def test_upsert_leaves_what_a_record_does_not_say(reference):
    petition_upsert(record=record(petitioner_city="Ottawa"))
    changes = record()
    del changes["petitioner_name"]
    changes["signature_count"] = 701
    changes["province_counts"] = {"ON": 601, "QC": 100}
    assert petition_upsert(record=changes | {"petitioner_city": "Hull"}) == "updated"
    petition = Petition.objects.get(number="e-7001")
    assert (petition.petitioner_name, petition.petitioner_city) == ("Ada Lovelace", "Hull")


def test_upsert_names_every_field_the_models_refuse(reference):
    with pytest.raises(RecordInvalid) as refused:
        petition_upsert(
            record=record(
                number="e-7002",
                presentation_number="431-00001",
                province_counts={"ON": 1},
                outcome="certified",
            )
        )
    fields = {name for name, _ in refused.value.errors}
    assert {"presentation_number", "province_counts"} <= fields
    assert not Petition.objects.filter(number="e-7002").exists()


def test_upsert_takes_keyword_arguments_only(reference):
    with pytest.raises(TypeError):
        petition_upsert(record())


def test_import_is_all_or_nothing_unless_asked_to_skip(reference):
    records = [("line 2", record()), ("line 3", record(number="e-7003", kind="paper"))]
    report = petition_import(records=iter(records), source="test.json")
    assert not report.written and report.rejected[0].position == "line 3"
    assert Petition.objects.count() == 0
    report = petition_import(records=iter(records), source="test.json", skip_invalid=True)
    assert report.written and report.created == 1
    assert list(Petition.objects.values_list("number", flat=True)) == ["e-7001"]


def test_a_presentation_number_already_taken_is_refused_by_name(reference):
    petition_upsert(record=record(presentation_number="441-00007", presented_on=None))
    with pytest.raises(RecordInvalid) as refused:
        petition_upsert(record=record(number="e-7002", presentation_number="441-00007"))
    assert refused.value.errors == [
        ("presentation_number", "441-00007 is already the presentation number of e-7001.")
    ]


def test_a_refused_record_takes_only_its_own_rows_with_it(reference):
    """Each record is written in a savepoint of its own: one refused once its rows are
    made (here a new topic, then a response tabled before presentation) leaves the
    records before and after it written, and nothing of its own."""
    presented = {"presentation_number": "441-00001", "presented_on": datetime.date(2023, 3, 20)}
    early = {"position": 1, "ministry": {"en": "Minister of Health"}, "tabled_on": None}
    early["tabled_on"] = datetime.date(2023, 3, 1)
    records = [
        ("line 2", record(number="e-7001")),
        (
            "line 3",
            record(number="e-7002", topic={"en": "Wetlands"}, responses=[early], **presented),
        ),
        ("line 4", record(number="e-7003")),
    ]
    report = petition_import(records=iter(records), source="test.json", skip_invalid=True)
    assert [(r.position, r.field) for r in report.rejected] == [
        ("line 3", "responses[1].tabled_on")
    ]
    assert report.written and report.created == 2
    assert list(Petition.objects.order_by("number").values_list("number", flat=True)) == [
        "e-7001",
        "e-7003",
    ]
    assert not Topic.objects.filter(name_en="Wetlands").exists()
