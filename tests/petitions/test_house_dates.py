import datetime

import pytest

from petitions.house.dates import (
    OTTAWA,
    DateParseError,
    format_house_date,
    format_house_datetime,
    parse_house_date,
)

HOUSE_FORMS = [
    ("November 16, 2022, at 2:23 p.m. (EDT)", "en"),
    ("January 15, 2023, at 2:23 p.m. (EDT)", "en"),
    ("March 27, 2019, at 1:14 p.m. (EDT)", "en"),
    ("May 1, 2020, at 12:05 a.m. (EDT)", "en"),
    ("May 1, 2020, at 12:05 p.m. (EDT)", "en"),
    ("5 décembre 2018 à 10 h 10 (HAE)", "fr"),
    ("4 avril 2019 à 10 h 10 (HAE)", "fr"),
]


@pytest.mark.parametrize(("text", "language"), HOUSE_FORMS)
def test_a_house_datetime_prints_back_exactly_as_the_house_printed_it(text, language):
    assert format_house_datetime(parse_house_date(text), language) == text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("March 20, 2023", "en"),
        ("19 juin 2019", "fr"),
        ("7 mai 2019", "fr"),
        ("1er mai 2019", "fr"),
    ],
)
def test_a_house_date_prints_back_exactly(text, language):
    assert format_house_date(parse_house_date(text), language) == text


def test_times_are_on_ottawas_clock_even_in_winter():
    value = parse_house_date("January 15, 2023, at 2:23 p.m. (EDT)")
    assert value == datetime.datetime(2023, 1, 15, 19, 23, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("utc", "english", "french"),
    [
        # Summer time ended at 2 a.m. on November 1, 2026, and began at 2 a.m. on March 8.
        (
            (2026, 11, 1, 5, 59),
            "November 1, 2026, at 1:59 a.m. (EDT)",
            "1er novembre 2026 à 1 h 59 (HAE)",
        ),
        (
            (2026, 11, 1, 6, 0),
            "November 1, 2026, at 1:00 a.m. (EST)",
            "1er novembre 2026 à 1 h 00 (HNE)",
        ),
        ((2026, 3, 8, 6, 59), "March 8, 2026, at 1:59 a.m. (EST)", "8 mars 2026 à 1 h 59 (HNE)"),
        ((2026, 3, 8, 7, 0), "March 8, 2026, at 3:00 a.m. (EDT)", "8 mars 2026 à 3 h 00 (HAE)"),
    ],
)
def test_the_archives_own_pages_name_the_zone_in_force(utc, english, french):
    from django.utils import translation

    from petitions.templatetags.petitions_tags import house_datetime

    moment = datetime.datetime(*utc, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert house_datetime(moment) == english
    with translation.override("fr"):
        assert house_datetime(moment) == french
    # Written back in the House's layout, EDT all year as the House prints it.
    assert format_house_datetime(moment).endswith("(EDT)")
    # Read back, the label tells the repeated hour's two moments apart.
    assert parse_house_date(english).astimezone(datetime.UTC) == moment
    assert parse_house_date(french).astimezone(datetime.UTC) == moment


def test_english_and_french_forms_of_the_same_moment_agree():
    english = parse_house_date("December 5, 2018, at 10:10 a.m. (EDT)")
    assert english == parse_house_date("5 décembre 2018 à 10 h 10 (HAE)")


def test_iso_8601_is_read_too():
    assert parse_house_date("2023-03-20") == datetime.date(2023, 3, 20)
    assert parse_house_date("2022-11-16T14:23:00-05:00") == datetime.datetime(
        2022, 11, 16, 14, 23, tzinfo=OTTAWA
    )


@pytest.mark.parametrize("text", ["February 30, 2023", "Smarch 3, 2023", "32 mai 2019", "soon"])
def test_impossible_or_unknown_dates_are_refused(text):
    with pytest.raises(DateParseError):
        parse_house_date(text)


def test_empty_text_is_no_date():
    assert parse_house_date("  ") is None
