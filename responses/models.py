"""The government's responses to petitions: a petition can have several, from
several ministers, each tabled as a sessional paper."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from petitions.models import Ministry, Petition, in_language


class GovernmentResponse(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField(
        default=1, help_text=_("Order of this response among the petition's responses.")
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        help_text=_("The minister who responds."),
    )
    signed_by = models.CharField(
        max_length=200, blank=True, help_text=_("Minister or Parliamentary Secretary.")
    )
    tabled_on = models.DateField(null=True, blank=True)
    sessional_paper_number = models.CharField(
        max_length=20, blank=True, help_text=_("e.g. 8545-441-76-05")
    )
    text_en = models.TextField(blank=True)
    text_fr = models.TextField(blank=True)

    class Meta:
        ordering = ["petition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "position"], name="response_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(sessional_paper_number="")
                | Q(sessional_paper_number__regex=r"^[0-9]{4}-[0-9]{3}-[0-9]+(-[0-9]+)?$"),
                name="response_sessional_paper_number_format",
            ),
            # "Not tabled before the petition was presented" spans two tables: see the
            # trigger response_tabled_after_presentation in migration 0002 of this app.
        ]
        indexes = [
            models.Index(fields=["tabled_on"], name="response_tabled_on"),
            # A ministry's responses and their dates, read from the index alone: the
            # ministry's page and the response times of every ministry.
            models.Index(
                fields=["ministry", "tabled_on"],
                include=["petition"],
                name="response_ministry_tabled_on",
            ),
        ]

    def __str__(self):
        return f"{self.petition_id} response {self.position}"

    @property
    def text(self):
        return in_language(self.text_en, self.text_fr)

    def clean(self):
        petition = getattr(self, "petition", None)
        if petition is None or self.tabled_on is None:
            return
        if petition.presented_on is None:
            raise ValidationError(
                {
                    "tabled_on": _(
                        "A response is tabled after presentation: record the presentation first."
                    )
                }
            )
        if self.tabled_on < petition.presented_on:
            raise ValidationError(
                {
                    "tabled_on": _(
                        "A response cannot be tabled before the petition was presented "
                        "(%(presented)s)."
                    )
                    % {"presented": petition.presented_on.isoformat()}
                }
            )
