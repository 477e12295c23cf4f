"""Petitions and their former numbers."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import (
    AddresseeKind,
    Kind,
    OriginalLanguage,
    Outcome,
    Province,
    in_language,
)
from petitions.models.parliament import (
    Caucus,
    Keyword,
    Member,
    Ministry,
    ParliamentarySession,
    Topic,
)
from petitions.models.querysets import PetitionQuerySet
from petitions.models.rules import (
    E_PETITION_NUMBER,
    MAX_WORDS,
    PRESENTATION_NUMBER,
    day_errors,
    plausible_day,
    response_due_on,
    word_count,
)
from petitions.models.status import Status


def addressee_heading(label, **options):
    return models.CharField(label, max_length=500, blank=True, default="", db_default="", **options)


class Petition(models.Model):
    number = models.CharField(
        verbose_name=_("number"),
        max_length=12,
        unique=True,
        help_text=_("e-N for an e-petition; the presentation number PPS-NNNNN for a paper one."),
    )
    kind = models.CharField(
        verbose_name=_("kind"), max_length=10, choices=Kind.choices, default=Kind.ELECTRONIC
    )
    session = models.ForeignKey(
        ParliamentarySession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    house_id = models.PositiveIntegerField(
        _("House petition ID"),
        null=True,
        blank=True,
        help_text=_("The House's own record id, where known."),
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
    )
    keywords = models.ManyToManyField(
        Keyword, verbose_name=_("keywords"), blank=True, related_name="petitions"
    )

    petitioner_name = models.CharField(
        verbose_name=_("petitioner's name"), max_length=200, blank=True
    )
    petitioner_city = models.CharField(
        verbose_name=_("petitioner's city"), max_length=120, blank=True
    )
    petitioner_province = models.CharField(
        verbose_name=_("petitioner's province"), max_length=2, choices=Province.choices, blank=True
    )
    # On the petitioner's request, as the House does: the name is then shown nowhere
    # public (pages, API, exports, releases, search, the change history) but kept.
    is_petitioner_name_withdrawn = models.BooleanField(
        _("withdraw the petitioner's name from public view"),
        default=False,
        help_text=_("On the petitioner's request: the name stays in the admin only."),
    )
    original_language = models.CharField(
        verbose_name=_("original language"),
        max_length=10,
        choices=OriginalLanguage.choices,
        blank=True,
    )

    addressee_kind = models.CharField(
        verbose_name=_("addressed to"),
        max_length=16,
        choices=AddresseeKind.choices,
        default=AddresseeKind.GOVERNMENT,
    )
    ministry = models.ForeignKey(
        Ministry,
        verbose_name=_("minister addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        help_text=_("The minister addressed, for a petition to the Prime Minister or a Minister."),
    )
    addressee_member = models.ForeignKey(
        Member,
        verbose_name=_("Member addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_addressed",
    )
    # The House's heading when it names more than the one addressee above ("Petition to
    # the Minister of Health and the Minister of Finance"): the others are kept here.
    addressee_heading_en = addressee_heading(
        _("heading naming several addressees (English)"),
        help_text=_(
            "The heading as the House printed it, when it names more than one addressee; "
            "the fields above hold the first. Pages show it instead of the usual heading."
        ),
    )
    addressee_heading_fr = addressee_heading(_("heading naming several addressees (French)"))

    # Whereas items: one per line, in order.
    whereas_en = models.TextField(
        _("Whereas (English)"), blank=True, help_text=_("One whereas item per line.")
    )
    whereas_fr = models.TextField(
        _("Whereas (French)"), blank=True, help_text=_("One whereas item per line.")
    )
    # The prayer: its opening line, then one numbered request per line.
    prayer_en = models.TextField(_("Prayer (English)"), blank=True)
    prayer_fr = models.TextField(_("Prayer (French)"), blank=True)

    sponsor = models.ForeignKey(
        Member,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_sponsored",
    )
    # As they were when the Member sponsored the petition: MPs change ridings and parties.
    sponsor_riding = models.CharField(
        verbose_name=_("sponsor's riding"), max_length=200, blank=True
    )
    sponsor_caucus = models.ForeignKey(
        Caucus,
        verbose_name=_("sponsor's caucus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_sponsored",
    )
    sponsor_province = models.CharField(
        verbose_name=_("sponsor's province"), max_length=2, choices=Province.choices, blank=True
    )

    presenter = models.ForeignKey(
        Member,
        verbose_name=_("presenting Member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_presented",
    )
    presenter_riding = models.CharField(
        verbose_name=_("presenting Member's riding"), max_length=200, blank=True
    )
    presentation_number = models.CharField(
        verbose_name=_("presentation number"),
        max_length=9,
        blank=True,
        help_text=_("PPS-NNNNN, given when presented in the House."),
    )
    presented_on = models.DateField(verbose_name=_("presented on"), null=True, blank=True)
    # The day the petition last moved: presented, or else opened for signature (on
    # Ottawa's clock). What "newest first" sorts by, through one index. Derived, never
    # typed: the database keeps it from presented_on and the window on every write
    # (triggers petition_activity_on and window_activity_on, migration 0012).
    activity_on = models.DateField(null=True, editable=False)

    outcome = models.CharField(
        verbose_name=_("outcome"),
        max_length=24,
        choices=Outcome.choices,
        default=Outcome.PENDING,
        blank=True,
    )
    outcome_on = models.DateField(
        _("outcome on"),
        null=True,
        blank=True,
        help_text=_("When the petition was certified or not."),
    )
    signature_count = models.IntegerField(
        _("signatures"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Validated signatures."),
    )

    source_url = models.URLField(verbose_name=_("source address"), max_length=500, blank=True)
    source_note = models.TextField(verbose_name=_("source note"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What search reads: the petition's numbers and text in English and French, and its
    # topic, keywords, responses and Members, accents ignored. Kept by the database
    # (petition_search_document, migration 0021) on every write of the petition or of
    # what it names; feeds full-text search through a GIN index.
    search_document = SearchVectorField(null=True, editable=False)

    objects = PetitionQuerySet.as_manager()
    # Set by with_first_response_on() and recently_answered(). None where a list
    # reads no response dates: a template's failed lookup lists the object's attributes,
    # a tenth of a millisecond a row for each of the two.
    first_response_on = None
    last_response_on = None
    # Set by search_passages() on a page of search results.
    passage = None

    class Meta:
        ordering = ["-presented_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation_number"],
                condition=~Q(presentation_number=""),
                name="petition_unique_presentation_number",
                violation_error_message=_("Another petition has this presentation number."),
            ),
            # Certified, then presented: never presented before its certification.
            models.CheckConstraint(
                condition=Q(presented_on__isnull=True)
                | Q(outcome_on__isnull=True)
                | ~Q(outcome=Outcome.CERTIFIED)
                | Q(presented_on__gte=F("outcome_on")),
                name="petition_presented_on_or_after_certification",
                violation_error_message=_("A petition is presented on or after its certification."),
            ),
            models.CheckConstraint(
                condition=plausible_day("presented_on") & plausible_day("outcome_on"),
                name="petition_dates_plausible",
                violation_error_message=_("A date is out of the plausible range."),
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.ELECTRONIC, number__regex=r"^e-[1-9][0-9]*$")
                | Q(kind=Kind.PAPER, number__regex=r"^[0-9]{3}-[0-9]{5}$"),
                name="petition_number_format_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(presentation_number="")
                | Q(presentation_number__regex=r"^[0-9]{3}-[0-9]{5}$"),
                name="petition_presentation_number_format",
            ),
            models.CheckConstraint(
                condition=Q(signature_count__gte=0), name="petition_signature_count_not_negative"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="petition_search_document"),
            # A session's, a Member's or a ministry's newest petitions (their pages, and
            # those filters sorted newest first), in the order of petition_activity.
            *[
                models.Index(
                    F(f"{field}_id"),
                    F("activity_on").desc(nulls_last=True),
                    F("id").desc(),
                    name=f"petition_{field}_activity",
                )
                for field in ("session", "sponsor", "presenter", "ministry")
            ],
            models.Index(fields=["signature_count"], name="petition_signature_count"),
            # Serve the presentation-date filters and the search's candidates without
            # reading the whole table. Not the unpresented ones: their rows are
            # scattered while presented ones follow the table's order, so the planner,
            # costing them as one, read 80,000 wide rows for "presented_on IS NULL"
            # rather than petition_unpresented.
            # With the key, number and activity date (the order of newest first), an
            # export's keys are read from the index alone.
            models.Index(
                fields=["presented_on"],
                include=["id", "number", "activity_on"],
                condition=Q(presented_on__isnull=False),
                name="petition_presented_on",
            ),
            # The narrow facts of every petition, so that whole-archive figures (the
            # statistics, the ministries' response times) read this index instead of
            # the rows and their texts: 90 MB against 1.5 GB at a million petitions.
            # Keyed by kind, not id, so that it never stands in for the primary key in
            # the lookup of a few petitions, which it made slower.
            models.Index(
                fields=["kind"],
                include=[
                    "id",
                    "session",
                    "topic",
                    "ministry",
                    "presented_on",
                    "signature_count",
                    "outcome",
                    "presentation_number",
                ],
                name="petition_facts",
            ),
            # Newest first, as the list, the feeds and the Member and ministry pages
            # show petitions; a deep page is an offset into this index alone.
            models.Index(
                F("activity_on").desc(nulls_last=True), F("id").desc(), name="petition_activity"
            ),
            # Most signatures first, unknown counts last: what sort=signatures reads.
            models.Index(
                F("signature_count").desc(nulls_last=True),
                F("id").desc(),
                name="petition_signatures_desc",
            ),
            # The few petitions not presented yet, whose status turns on their outcome
            # and window (open, closed, certified...): read from this small index, not
            # from their rows scattered across the table (27,000 pages at a million),
            # with the date they are sorted by.
            models.Index(
                fields=["outcome", "presentation_number", "session", "id"],
                include=["activity_on"],
                condition=Q(presented_on__isnull=True),
                name="petition_unpresented",
            ),
            # Fewer still: those whose status turns on their window alone (not yet open,
            # open, closed), with no presentation and no outcome. The condition is written
            # as status_filter() writes those statuses (each outcome's status excluded in
            # turn) so that the planner sees a status filter implies it: the open
            # petitions are then read from 6,000 entries, not picked from 80,000 by
            # outcome (8 ms at a million).
            models.Index(
                fields=["id"],
                include=["activity_on"],
                condition=Q(presented_on__isnull=True, presentation_number="")
                & ~Q(outcome=Outcome.CLOSED_ON_DISSOLUTION)
                & ~Q(outcome=Outcome.NOT_CERTIFIED)
                & ~Q(outcome=Outcome.CERTIFIED),
                name="petition_pending",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("petitions:petition_detail", kwargs={"number": self.number})

    @property
    def is_electronic(self):
        return self.kind == Kind.ELECTRONIC

    @property
    def public_petitioner_name(self):
        """The petitioner's name as the public reads it: none once withdrawn."""
        return "" if self.is_petitioner_name_withdrawn else self.petitioner_name

    @property
    def response_due_on(self):
        return response_due_on(self.presented_on)

    @property
    def whereas(self):
        return [line for line in in_language(self.whereas_en, self.whereas_fr).splitlines() if line]

    @property
    def prayer(self):
        return in_language(self.prayer_en, self.prayer_fr)

    @property
    def addressee_heading(self):
        return in_language(self.addressee_heading_en, self.addressee_heading_fr)

    def clean(self):
        errors = {}
        if self.kind == Kind.ELECTRONIC and not E_PETITION_NUMBER.match(self.number):
            errors["number"] = _("An e-petition's number reads e-N, for example e-4172.")
        if self.kind == Kind.PAPER:
            if not PRESENTATION_NUMBER.match(self.number):
                errors["number"] = _(
                    "A paper petition's number is its presentation number, "
                    "PPS-NNNNN, for example 441-00264."
                )
            elif self.presentation_number and self.presentation_number != self.number:
                errors["presentation_number"] = _(
                    "A paper petition's presentation number is its number, %(number)s."
                ) % {"number": self.number}
        if self.presentation_number:
            match = PRESENTATION_NUMBER.match(self.presentation_number)
            if not match:
                errors["presentation_number"] = _(
                    "A presentation number reads PPS-NNNNN: parliament, session and a "
                    "five-digit sequence, for example 441-01184."
                )
            elif self.session_id and match.group(1) + match.group(2) != self.session.code:
                errors["presentation_number"] = _(
                    "%(number)s was presented in session %(prefix)s, but the petition "
                    "belongs to session %(code)s."
                ) % {
                    "number": self.presentation_number,
                    "prefix": self.presentation_number[:3],
                    "code": self.session.code,
                }
        if self.kind == Kind.ELECTRONIC:
            for field, language, texts in (
                ("prayer_en", _("English"), (self.whereas_en, self.prayer_en)),
                ("prayer_fr", _("French"), (self.whereas_fr, self.prayer_fr)),
            ):
                words = word_count(*texts)
                if words > MAX_WORDS:
                    errors[field] = _(
                        "An e-petition has at most %(max)s words; the %(language)s text "
                        "(whereas items and prayer) has %(words)s."
                    ) % {"max": MAX_WORDS, "language": language, "words": words}
        if self.outcome and self.kind == Kind.PAPER and self.outcome != Outcome.CERTIFIED:
            errors["outcome"] = _("A paper petition is certified before it is presented.")
        errors = day_errors(presented_on=self.presented_on, outcome_on=self.outcome_on) | errors
        presented = self.presented_on if "presented_on" not in errors else None
        if (
            presented
            and self.outcome == Outcome.CERTIFIED
            and self.outcome_on
            and presented < self.outcome_on
        ):
            errors["presented_on"] = _(
                "A petition is presented on or after its certification (%(certified)s)."
            ) % {"certified": date_format(self.outcome_on)}
        elif presented and self.session_id and not self.session.sat_on(presented):
            errors["presented_on"] = _(
                "The %(session)s sat from %(first)s to %(last)s: a petition of it is "
                "presented in that time."
            ) % {
                "session": self.session,
                "first": date_format(self.session.started_on),
                "last": date_format(self.session.ended_on) if self.session.ended_on else _("today"),
            }
        if errors:
            raise ValidationError(errors)

    def current_status(self):
        """The derived status of this one petition, from the same rules as the lists."""
        status = getattr(self, "status", None)
        if status is None and self.pk:
            status = Petition.objects.with_status().values_list("status", flat=True).get(pk=self.pk)
        return Status(status) if status else None


class FormerNumber(models.Model):
    """A number a petition had before a clerk corrected it: links to its old address
    still find it."""

    number = models.CharField(max_length=12, unique=True)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="former_numbers")

    def __str__(self):
        return f"{self.number} → {self.petition_id}"
