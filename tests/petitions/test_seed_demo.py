"""seed_demo: House-shaped synthetic petitions, the same for the same seed."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from petitions.models import ExportLine, Kind, Member, Petition, ProvinceSignatureCount
from responses.models import GovernmentResponse

AS_OF = "2026-01-15"


def seed(count, seed_value=4):
    out = StringIO()
    call_command(
        "seed_demo", "--petitions", str(count), "--seed", str(seed_value), "--as-of", AS_OF,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def export():
    out = StringIO()
    call_command("export_petitions", "--format", "json", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_same_seed_gives_the_same_petitions(db):
    seed(300)
    first = export()
    Petition.objects.all().delete()
    Member.objects.all().delete()
    seed(300)
    assert export() == first
    Petition.objects.all().delete()
    Member.objects.all().delete()
    seed(300, seed_value=5)
    assert export() != first


def test_seeded_petitions_look_like_the_houses(db):
    report = seed(900)
    assert "petitions/s" in report and "rows/s" in report
    paper = Petition.objects.filter(kind=Kind.PAPER).count()
    electronic = Petition.objects.filter(kind=Kind.ELECTRONIC).count()
    assert paper + electronic == 900
    assert 4 < paper / electronic < 6.5
    first_opened = Petition.objects.filter(kind=Kind.ELECTRONIC).order_by("window__opens_at")
    assert first_opened.first().window.opens_at.date() >= datetime.date(2015, 12, 3)
    assert 100 < Member.objects.count() < 1000
    responses = GovernmentResponse.objects.select_related("petition")
    days = [(r.tabled_on - r.petition.presented_on).days for r in responses]
    assert min(days) >= 0
    assert 0.7 < sum(d <= 45 for d in days) / len(days) < 0.98
    statuses = set(Petition.objects.with_status().values_list("status", flat=True))
    assert {"responded", "presented", "not_certified"} <= statuses


def test_every_seeded_row_passes_the_admins_rules(db):
    seed(400)
    petitions = Petition.objects.select_related("session").prefetch_related("responses")
    for petition in petitions:
        petition.full_clean()
        if petition.is_electronic:
            petition.window.full_clean()
        for response in petition.responses.all():
            response.full_clean()
    totals = (
        ProvinceSignatureCount.objects.values("petition")
        .annotate(total=Sum("signature_count"))
        .values_list("petition__signature_count", "total")
    )
    assert totals and all(total == counted for total, counted in totals)


def test_a_second_seed_continues_the_numbers(db):
    seed(200)
    seed(200, seed_value=9)
    assert Petition.objects.count() == 400
    numbers = list(Petition.objects.values_list("presentation_number", flat=True))
    taken = [number for number in numbers if number]
    assert len(taken) == len(set(taken))


def test_every_seeded_petition_has_export_lines_that_an_export_keeps(db, client):
    """The seed skips the triggers where it may (a superuser's connection): it gives
    each new petition its export lines itself, so that exports keep what they build."""
    seed(50)
    seed(30, seed_value=9)
    assert ExportLine.objects.count() == Petition.objects.count() == 80
    response = client.get("/petitions/export.csv")
    assert len(b"".join(response.streaming_content).splitlines()) > 80
    assert not ExportLine.objects.filter(csv="").exists()


@pytest.mark.parametrize("count", ["0", "-3"])
def test_a_count_below_one_is_refused(db, count):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--petitions", count, stdout=StringIO(), stderr=StringIO())


def petition_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'petitions_petition'"
        )
        return dict(cursor.fetchall())


def test_a_big_load_builds_again_every_index_it_dropped(db, monkeypatch):
    from petitions.services import demo

    before = petition_indexes()
    assert "petition_search_document" in before
    monkeypatch.setattr(demo, "INDEX_REBUILD_FROM", 50)
    seed(100)
    assert petition_indexes() == before
    assert Petition.objects.search("gouvernement").exists()


def test_a_million_petitions_fit_the_sessions_five_digit_numbers(db):
    import random

    from petitions.house import synthetic
    from petitions.services.demo import _seed_plan

    plan = _seed_plan(random.Random(1), 1_000_000, datetime.date(2026, 1, 15), synthetic)
    sizes = [size for _, size in plan]
    assert sum(sizes) == 1_000_000
    assert max(sizes) <= synthetic.MAX_SEQUENCE
    assert len(plan) > 6  # earlier sessions were added to make room


def test_seeded_petitions_move_on_the_day_the_database_would_derive(db):
    seed(300)
    with connection.cursor() as cursor:
        # The rule the triggers apply (migration 0015), for every seeded petition.
        cursor.execute(
            "SELECT count(*) FROM petitions_petition petition "
            "WHERE activity_on IS DISTINCT FROM petition_activity_on_of(petition.presented_on, "
            "(SELECT opens_at FROM petitions_signaturewindow window_ "
            "WHERE window_.petition_id = petition.id))"
        )
        assert cursor.fetchone()[0] == 0
    assert Petition.objects.filter(activity_on__isnull=False).count() > 250
