"""The fixed lists: kinds, outcomes, languages, addressees, provinces; and the
language a bilingual text or label shows in."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(english, french):
    """Pick the text of the active language, falling back to the other one."""
    if get_language() == "fr":
        return french or english
    return english or french


PROVINCES = [
    # code, English, French: the order the House lists them in.
    ("AB", "Alberta", "Alberta"),
    ("BC", "British Columbia", "Colombie-Britannique"),
    ("MB", "Manitoba", "Manitoba"),
    ("NB", "New Brunswick", "Nouveau-Brunswick"),
    ("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    ("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    ("NS", "Nova Scotia", "Nouvelle-Écosse"),
    ("NU", "Nunavut", "Nunavut"),
    ("ON", "Ontario", "Ontario"),
    ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
    ("QC", "Quebec", "Québec"),
    ("SK", "Saskatchewan", "Saskatchewan"),
    ("YT", "Yukon", "Yukon"),
]
Province = models.TextChoices(
    "Province",
    [
        (code, (code, lazy(in_language, str)(english, french)))
        for code, english, french in PROVINCES
    ],
)


class Kind(models.TextChoices):
    ELECTRONIC = "electronic", _("E-petition")
    PAPER = "paper", _("Paper petition")


class Outcome(models.TextChoices):
    """The Clerk's decision after the signing period: what the House reports as
    Certified, Not certified or Closed upon dissolution."""

    PENDING = "", _("Pending")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    CLOSED_ON_DISSOLUTION = "closed_on_dissolution", _("Closed upon dissolution")


class OriginalLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    BILINGUAL = "bilingual", _("Bilingual")


class AddresseeKind(models.TextChoices):
    HOUSE = "house", _("House of Commons")
    GOVERNMENT = "government", _("Government of Canada")
    PRIME_MINISTER = "prime_minister", _("Prime Minister")
    MINISTER = "minister", _("a Minister of the Crown")
    MEMBER = "member", _("a Member of Parliament")
