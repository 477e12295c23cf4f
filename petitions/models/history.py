"""What a petition was before: its signature counts as each import or edit found them,
and every change to its public facts, texts and responses, with where it came from."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from petitions.models.petition import Petition


class SignatureSnapshot(models.Model):
    """A petition's counts as one import (or a clerk's edit) gave them. Dated by the
    record's own date where the file gives one, else by the import's time: the history
    is only as dense as the imports. One per petition and moment, so that the same file
    imported again adds nothing."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signature_snapshots"
    )
    taken_at = models.DateTimeField()
    signature_count = models.IntegerField(null=True)
    # {province code: count}, the provinces known at the time.
    province_counts = models.JSONField(default=dict, blank=True)
    # The imported file's name; empty for an edit in the Clerk's office.
    imported_from = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["petition", "taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "taken_at"], name="signature_snapshot_one_per_moment"
            ),
            models.CheckConstraint(
                condition=Q(signature_count__gte=0), name="signature_snapshot_count_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id} at {self.taken_at:%Y-%m-%d %H:%M}: {self.signature_count}"


class PetitionChange(models.Model):
    """One save that changed what the public reads of a petition: the fields changed,
    each with its value before and after, and where the change came from."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    # [{"field": key, "before": value, "after": value}]; a value is text, a number, null,
    # or {"en": ..., "fr": ...} where it reads otherwise in each language. Empty: the
    # petition was added.
    fields = models.JSONField(default=list, blank=True)
    # The imported file's name; empty for an edit in the Clerk's office (never a
    # clerk's user name).
    imported_from = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["petition", "-changed_at", "-id"]
        indexes = [
            # A petition's changes, newest first: its changes page and the API.
            models.Index(fields=["petition", "-changed_at", "-id"], name="petition_change_newest"),
        ]

    def __str__(self):
        return f"{self.petition_id} changed at {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def source(self):
        return self.imported_from or _("the Clerk's office")
