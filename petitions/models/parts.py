"""What hangs off a petition: its signature window, its counts by province, and its
export lines kept for the CSV and JSON exports."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import Kind, Province
from petitions.models.petition import Petition
from petitions.models.rules import (
    EARLIEST_MOMENT,
    FIXED_WINDOW_DAYS,
    FLEXIBLE_WINDOWS_SINCE,
    LATEST_MOMENT,
    WINDOW_DAYS,
    window_timeline_errors,
)


class SignatureWindow(models.Model):
    """When an e-petition was open for signature."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="window")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="window_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__gte=EARLIEST_MOMENT, closes_at__lt=LATEST_MOMENT),
                name="window_dates_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["opens_at", "closes_at"], name="window_dates"),
            # The newest windows first with their petitions, read from the index alone:
            # where a search finds its newest unpresented matches.
            models.Index(fields=["-opens_at", "-id"], include=["petition"], name="window_newest"),
            # The few windows that close after now: petitions open or not yet open.
            models.Index(
                fields=["closes_at"], include=["petition", "opens_at"], name="window_closes"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id}: {self.opens_at:%Y-%m-%d} – {self.closes_at:%Y-%m-%d}"

    @property
    def length_days(self):
        """Calendar days on Ottawa's clock, so a window across a change to or from
        daylight time still counts whole days."""
        return (timezone.localdate(self.closes_at) - timezone.localdate(self.opens_at)).days

    def clean(self):
        if self.opens_at is None or self.closes_at is None:
            return
        if self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The window must close after it opens.")})
        petition = getattr(self, "petition", None)
        if petition is not None and petition.kind == Kind.PAPER:
            raise ValidationError(_("A paper petition has no signature window."))
        if petition is not None:
            errors = window_timeline_errors(
                closes_at=self.closes_at,
                kind=petition.kind,
                outcome=petition.outcome,
                outcome_on=petition.outcome_on,
                presented_on=petition.presented_on,
            )
            if errors:
                raise ValidationError(errors)
        days = self.length_days
        if timezone.localdate(self.opens_at) < FLEXIBLE_WINDOWS_SINCE:
            if days != FIXED_WINDOW_DAYS:
                raise ValidationError(
                    {
                        "closes_at": _(
                            "Before January 28, 2019 every e-petition was open for 120 days; "
                            "this window is %(days)s days."
                        )
                        % {"days": days}
                    }
                )
        elif days not in WINDOW_DAYS:
            raise ValidationError(
                {
                    "closes_at": _(
                        "An e-petition is open for 30, 60, 90 or 120 days; "
                        "this window is %(days)s days."
                    )
                    % {"days": days}
                }
            )


class ProvinceSignatureCount(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="province_counts")
    province = models.CharField(max_length=2, choices=Province.choices)
    signature_count = models.IntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["province"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "province"], name="province_count_one_per_province"
            ),
            models.CheckConstraint(
                condition=Q(signature_count__gte=0), name="province_count_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_province_display()}: {self.signature_count}"


class ExportLine(models.Model):
    """A petition's line in the CSV and in the JSON export, kept so that an export
    reads stored text instead of gathering every field of every petition again (see
    petitions/exports/lines.py).

    Database triggers keep it honest (migration 0010): a row is added with each
    petition, and any write to the petition, its window, counts, keywords or responses,
    or to a Member, ministry, topic, session, caucus or keyword it names, empties the
    lines and moves `stamp` on. Lines are written back only where the stamp is still the
    one read with the data they were built from."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="export_line"
    )
    stamp = models.PositiveIntegerField(default=0)
    # Empty: not built since the last change (a line is never empty).
    csv = models.TextField(blank=True)
    json = models.TextField(blank=True)
    # Where the petition's address goes in each line: it depends on the language asked.
    csv_url_at = models.PositiveIntegerField(default=0)
    json_url_at = models.PositiveIntegerField(default=0)
    # The first moment the status or the 45-day deadline cell of a line reads otherwise
    # by the clock alone (the window opens or closes, the response falls overdue);
    # NULL: never. Each line has its own: each is built when first asked for.
    csv_valid_until = models.DateTimeField(null=True)
    json_valid_until = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.petition_id}: export line {self.stamp}"


class StaleSearchDocument(models.Model):
    """A petition whose search document no longer reads as it should and is to be
    written again (see petitions/services/search_rewrite.py).

    The database's triggers rewrite a petition's document at once when the petition,
    its responses or its keywords change, and when a Member, topic or keyword it names
    is renamed, up to a few thousand petitions (migration 0022). A rename naming more
    (a busy topic at a million petitions: tens of thousands) queues them here instead,
    so that the clerk's save commits within its time limit; they are written again
    afterwards, in batches that each commit."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self):
        return f"{self.petition_id}: search document to write again"
