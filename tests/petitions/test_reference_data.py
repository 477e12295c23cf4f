"""The reference facts come with `migrate`: sessions with the House's dates, caucuses
and their spellings, ministerial titles and topics in both languages; an import into a
freshly migrated database needs nothing else."""

import datetime
import json
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from petitions.models import Caucus, Ministry, ParliamentarySession, Topic
from petitions.reference import reference_make
from tests.factories import reference_as_migrated

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FACTS = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))


def test_migrate_leaves_every_session_with_the_houses_dates(db):
    sessions = {
        s.code: (s.started_on.isoformat(), s.ended_on and s.ended_on.isoformat())
        for s in ParliamentarySession.objects.all()
    }
    assert sessions == {f["code"]: (f["start"], f["end"]) for f in FACTS["sessions"]}


def test_migrate_leaves_the_caucuses_with_their_spellings_and_the_ministerial_titles(db):
    caucuses = {c.short_name: (c.name_en, c.name_fr, c.aliases) for c in Caucus.objects.all()}
    assert caucuses == {c["short"]: (c["en"], c["fr"], c["spellings"]) for c in FACTS["caucuses"]}
    titles = dict(Ministry.objects.values_list("title_en", "title_fr"))
    assert {t["en"]: t["fr"] for t in FACTS["ministerial_titles"]}.items() <= titles.items()
    assert set(FACTS["topics_seen_on_the_site"]) <= set(
        Topic.objects.values_list("name_en", flat=True)
    )


def test_making_the_reference_data_again_adds_nothing_and_corrects_an_invented_session(db):
    from django.apps import apps

    # What an import made before sessions came with the migration: the first
    # petition's day as the session's start.
    ParliamentarySession.objects.filter(parliament=44, session=1).update(
        started_on=datetime.date(2022, 11, 16)
    )
    counts = [m.objects.count() for m in (ParliamentarySession, Caucus, Ministry, Topic)]
    reference_make(apps)
    assert [m.objects.count() for m in (ParliamentarySession, Caucus, Ministry, Topic)] == counts
    assert ParliamentarySession.objects.get(parliament=44, session=1).started_on == (
        datetime.date(2021, 11, 22)
    )


@pytest.mark.django_db(transaction=True)
def test_the_reference_rows_come_back_under_the_same_keys_after_a_flush():
    keys = dict(ParliamentarySession.objects.values_list("pk", "parliament"))
    ParliamentarySession.objects.all().delete()
    reference_as_migrated()
    assert dict(ParliamentarySession.objects.values_list("pk", "parliament")) == keys
    made = ParliamentarySession.objects.create(
        parliament=46, session=1, started_on=datetime.date(2026, 1, 1)
    )
    assert made.pk > max(keys)


def test_a_clerk_may_add_and_change_a_session_but_not_delete_one(db):
    granted = set(Group.objects.get(name="Clerk").permissions.values_list("codename", flat=True))
    assert {"add_parliamentarysession", "change_parliamentarysession"} <= granted
    assert "delete_parliamentarysession" not in granted


def test_a_clerk_adds_a_new_session_in_the_admin(clerk_client):
    answer = clerk_client.post(
        "/admin/petitions/parliamentarysession/add/",
        {"parliament": "46", "session": "1", "started_on": "2026-11-30", "ended_on": ""},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert ParliamentarySession.objects.get(parliament=46, session=1).started_on == (
        datetime.date(2026, 11, 30)
    )


FRESH_RECORD = """<?xml version='1.0' encoding='utf-8'?>
<ArrayOfPetition>
  <Petition Id="4172" Title="e-4172 (Public safety)" TypeId="1" ParliamentNumber="44" Session="1">
    <PetitionNumber>e-4172</PetitionNumber>
    <StatusName>Government response tabled</StatusName>
    <PetitionerFirstName>Tsz Lok</PetitionerFirstName>
    <PetitionerLastName>Chan</PetitionerLastName>
    <PetitionerProvince>Saskatchewan</PetitionerProvince>
    <Sponsor>
      <FirstName>Melissa</FirstName>
      <LastName>Lantsman</LastName>
      <Constituency>Thornhill</Constituency>
      <Caucus>Conservative Caucus</Caucus>
      <ProvinceCode>ON</ProvinceCode>
    </Sponsor>
    <SignatureOpeningDateTime>November 16, 2022, at 2:23 p.m. (EDT)</SignatureOpeningDateTime>
    <SignatureClosingDateTime>January 15, 2023, at 2:23 p.m. (EDT)</SignatureClosingDateTime>
    <PresentedDateTime>March 20, 2023</PresentedDateTime>
    <PresentedPetitionNumber>441-01184</PresentedPetitionNumber>
    <Prayer>
      <Para>Petition to the Minister of Public Safety</Para>
      <Grievances><WhereAs>Police stations;</WhereAs></Grievances>
      <Para>We call upon the Minister of Public Safety to act.</Para>
    </Prayer>
  </Petition>
  <Petition Id="" Title="421-01234 (Justice)" TypeId="2">
    <PetitionNumber>421-01234</PetitionNumber>
    <PresentedDateTime>December 5, 2018</PresentedDateTime>
    <PresentedPetitionNumber>421-01234</PresentedPetitionNumber>
    <Prayer>
      <Para>Petition to the House of Commons in Parliament assembled</Para>
      <Para>We call upon the House to act.</Para>
    </Prayer>
  </Petition>
</ArrayOfPetition>
"""


@pytest.fixture
def fresh_database(django_db_blocker, tmp_path):
    """The URL of a database of its own on the tests' server, with nothing in it."""
    db = settings.DATABASES["default"]
    name = f"fresh_{secrets.token_hex(4)}"
    options = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    with django_db_blocker.unblock():
        admin = psycopg.connect(
            **options, password=db["PASSWORD"], dbname="postgres", autocommit=True
        )
        admin.execute(f'CREATE DATABASE "{name}"')
    user = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"], safe="")
    yield f"postgres://{user}@{quote(db['HOST'], safe='')}:{db['PORT']}/{name}"
    with django_db_blocker.unblock():
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def manage(url, *args):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "DJANGO_SECRET_KEY": "fresh"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_migrate_then_import_needs_no_other_step_and_invents_no_session(fresh_database, tmp_path):
    path = tmp_path / "house.xml"
    path.write_text(FRESH_RECORD, encoding="utf-8")
    migrated = manage(fresh_database, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    loaded = manage(fresh_database, "import_petitions", str(path))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "2 new, 0 updated, 0 unchanged, 0 rejected; written" in loaded.stdout
    exported = manage(fresh_database, "export_petitions", "--format", "xml")
    assert exported.returncode == 0, exported.stderr
    assert 'Session="1" SignatureCount="" SessionStartedOn="November 22, 2021" ' in exported.stdout
    assert 'SessionStartedOn="December 3, 2015" SessionEndedOn="September 11, 2019"' in (
        exported.stdout
    )


@pytest.mark.django_db(transaction=True)
def test_load_demo_after_a_flush_makes_the_reference_data_as_its_migration_does():
    import io

    from django.core.management import call_command

    from petitions.models import Petition

    call_command("flush", interactive=False, verbosity=0)
    assert not ParliamentarySession.objects.exists()
    call_command("load_demo", stdout=io.StringIO())
    assert ParliamentarySession.objects.get(parliament=44, session=1).started_on == (
        datetime.date(2021, 11, 22)
    )
    assert Caucus.objects.count() == len(FACTS["caucuses"])
    # The sample petitions find their sessions, topics and ministries.
    e4172 = Petition.objects.select_related("session", "topic", "ministry").get(number="e-4172")
    assert (e4172.session.code, e4172.topic.name_en) == ("441", "Public safety")
    assert e4172.ministry.title_en == "Minister of Public Safety"
