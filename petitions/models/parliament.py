"""Who and what a petition names: sessions, caucuses, Members, ministries, topics,
keywords."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import Province, in_language
from petitions.models.querysets import MemberQuerySet


def ordinal(number, language=None):
    """ "43rd" / "43e", in `language` or the page's."""
    language = language or ("fr" if get_language() == "fr" else "en")
    if language == "fr":
        # Both "législature" and "session" are feminine.
        return "1re" if number == 1 else f"{number}e"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if 10 <= number % 100 <= 20 else suffix}"


def session_name(parliament, session):
    """The one way a session is named, in the page's language: "44th Parliament, 1st
    Session" / "44e législature, 1re session" (filters, statistics, the admin)."""
    language = "fr" if get_language() == "fr" else "en"
    parliament, session = ordinal(parliament, language), ordinal(session, language)
    if language == "fr":
        return f"{parliament} législature, {session} session"
    return f"{parliament} Parliament, {session} Session"


class ParliamentarySession(models.Model):
    parliament = models.PositiveSmallIntegerField()
    session = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-parliament", "-session"]
        constraints = [
            models.UniqueConstraint(
                fields=["parliament", "session"], name="session_unique_parliament_session"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return session_name(self.parliament, self.session)

    def sat_on(self, day):
        """Whether the session was sitting (opened and not yet prorogued or dissolved)
        on `day`."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    @property
    def code(self):
        """The House's three-digit code, e.g. "441" for the 44th Parliament, 1st session."""
        return f"{self.parliament}{self.session}"


class Caucus(models.Model):
    """A party as the House names its caucus; `aliases` holds the other spellings found
    in the House's records ("Conservative Caucus", "CPC", "Caucus conservateur")."""

    short_name = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "caucuses"

    def __str__(self):
        return self.short_name

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)


class Member(models.Model):
    """A Member of Parliament. Riding and caucus here are the latest known; what they
    were when a petition was sponsored is kept on the petition."""

    first_name = models.CharField(verbose_name=_("first name"), max_length=100)
    last_name = models.CharField(verbose_name=_("last name"), max_length=100)
    slug = models.SlugField(verbose_name=_("slug"), max_length=140, unique=True)
    house_person_id = models.PositiveIntegerField(
        verbose_name=_("House person ID"), null=True, blank=True, unique=True
    )
    riding = models.CharField(verbose_name=_("riding"), max_length=200, blank=True)
    province = models.CharField(
        verbose_name=_("province"), max_length=2, choices=Province.choices, blank=True
    )
    caucus = models.ForeignKey(
        Caucus,
        verbose_name=_("caucus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            # Serves the trigram match that finds an MP despite a typo.
            GinIndex(
                name="member_name_trgm",
                fields=["last_name", "first_name", "riding"],
                opclasses=["gin_trgm_ops"] * 3,
            ),
        ]

    objects = MemberQuerySet.as_manager()

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("petitions:member_detail", kwargs={"slug": self.slug})


class Ministry(models.Model):
    """A minister's portfolio, as petitions are addressed and responses signed:
    "Minister of Public Safety" / "ministre de la Sécurité publique"."""

    title_en = models.CharField(max_length=200, unique=True)
    title_fr = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["title_en"]
        verbose_name_plural = "ministries"

    def __str__(self):
        return self.title_en

    @property
    def title(self):
        return in_language(self.title_en, self.title_fr)

    def get_absolute_url(self):
        return reverse("petitions:ministry_detail", kwargs={"slug": self.slug})


class Topic(models.Model):
    name_en = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)


class Keyword(models.Model):
    """An index term the House attaches to a petition."""

    name_en = models.CharField(max_length=300, unique=True)
    name_fr = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=300, unique=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)
