"""Reads by key run as statements the server keeps and plans once a connection
(planned_once); searches and filters are still planned for their own values."""

import pytest
from django.db import connection

from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def statements_kept_by_the_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return sorted(row[0] for row in cursor.fetchall())


def test_every_petition_page_reuses_the_statements_the_first_one_left_on_the_server(client):
    PetitionFactory(number="e-1", prayer_en="We call for safer housing.")
    PetitionFactory(number="e-2")
    assert client.get("/petitions/e-1/").status_code == 200
    kept = statements_kept_by_the_server()
    # The petition with its joins, then its keywords, counts and responses, and its
    # related petitions.
    assert len(kept) == 5
    assert any('"petitions_petition"."number" = $' in statement for statement in kept)
    assert client.get("/petitions/e-2/").status_code == 200
    assert statements_kept_by_the_server() == kept


def test_a_search_is_planned_for_its_words_and_only_its_rows_are_read_by_kept_statements(client):
    PetitionFactory(number="e-1", prayer_en="We call for safer housing.")
    PetitionFactory(number="e-2", prayer_en="We call for more housing.")
    PetitionFactory(number="e-3")
    response = client.get("/petitions/", {"q": "housing"})
    assert {petition.number for petition in response.context["page"]} == {"e-1", "e-2"}
    kept = statements_kept_by_the_server()
    assert len(kept) == 1
    assert "ANY($" in kept[0]
    assert "@@" not in kept[0]
    # The connection binds values itself again after the block.
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text", ["plain"])
    assert statements_kept_by_the_server() == kept
