"""Each rule the database keeps refuses its bad row, whatever wrote it."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from petitions.models import ProvinceSignatureCount
from tests.factories import (
    GovernmentResponseFactory,
    PaperPetitionFactory,
    PetitionFactory,
    ProvinceSignatureCountFactory,
    SignatureWindowFactory,
)

pytestmark = pytest.mark.django_db


def refused(constraint, make):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make()


def test_a_petition_number_is_unique():
    PetitionFactory(number="e-4172")
    refused("petition_number_key|unique", lambda: PetitionFactory(number="e-4172"))


def test_a_presentation_number_is_unique():
    PetitionFactory(presentation_number="441-01184")
    refused(
        "petition_unique_presentation_number",
        lambda: PetitionFactory(presentation_number="441-01184"),
    )


def test_many_petitions_may_have_no_presentation_number_yet():
    PetitionFactory.create_batch(3, presentation_number="")


def test_an_e_petition_number_must_read_e_n():
    refused("petition_number_format_matches_kind", lambda: PetitionFactory(number="4172"))


def test_a_paper_petition_number_must_read_pps_nnnnn():
    refused(
        "petition_number_format_matches_kind",
        lambda: PaperPetitionFactory(number="e-12", presentation_number=""),
    )


def test_a_presentation_number_must_read_pps_nnnnn():
    refused(
        "petition_presentation_number_format",
        lambda: PetitionFactory(presentation_number="44-1184"),
    )


def test_a_window_closes_after_it_opens():
    opens = datetime.datetime(2023, 1, 15, 14, 23, tzinfo=datetime.UTC)
    refused(
        "window_closes_after_it_opens",
        lambda: SignatureWindowFactory(opens_at=opens, closes_at=opens),
    )


def test_a_province_count_is_not_negative():
    refused(
        "province_count_not_negative", lambda: ProvinceSignatureCountFactory(signature_count=-1)
    )


def test_a_signature_total_is_not_negative():
    refused("petition_signature_count_not_negative", lambda: PetitionFactory(signature_count=-5))


def test_a_petition_has_one_count_per_province():
    count = ProvinceSignatureCountFactory(province="QC")
    refused(
        "province_count_one_per_province",
        lambda: ProvinceSignatureCount.objects.create(
            petition=count.petition, province="QC", signature_count=3
        ),
    )


def test_a_response_is_not_tabled_before_the_petition_was_presented():
    petition = PetitionFactory(presented_on=datetime.date(2023, 3, 20))
    refused(
        "response_tabled_after_presentation",
        lambda: GovernmentResponseFactory(petition=petition, tabled_on=datetime.date(2023, 3, 19)),
    )


def test_a_presentation_cannot_be_moved_after_its_response():
    response = GovernmentResponseFactory(tabled_on=datetime.date(2023, 5, 3))
    petition = response.petition
    petition.presented_on = datetime.date(2023, 6, 1)
    refused("response_tabled_after_presentation", petition.save)


def test_a_response_on_the_day_of_presentation_is_accepted():
    petition = PetitionFactory(presented_on=datetime.date(2023, 3, 20))
    GovernmentResponseFactory(petition=petition, tabled_on=datetime.date(2023, 3, 20))


def test_two_responses_cannot_share_a_position():
    response = GovernmentResponseFactory()
    refused(
        "response_unique_position",
        lambda: GovernmentResponseFactory(petition=response.petition, position=1),
    )
