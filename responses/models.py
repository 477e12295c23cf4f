"""The government's responses to petitions: a petition can have several, from
several ministers, each tabled as a sessional paper."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from petitions.models import Ministry, Petition, day_errors, in_language, plausible_day


class GovernmentResponse(models.Model):
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="responses"
    )
    position = models.PositiveSmallIntegerField(
        verbose_name=_("order"),
        default=1,
        help_text=_("Order of this response among the petition's responses."),
    )
    ministry = models.ForeignKey(
        Ministry,
        verbose_name=_("responding minister"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        help_text=_("The minister who responds."),
    )
    signed_by = models.CharField(
        verbose_name=_("signed by"),
        max_length=200,
        blank=True,
        help_text=_("Minister or Parliamentary Secretary."),
    )
    tabled_on = models.DateField(_("tabled on"), null=True, blank=True)
    sessional_paper_number = models.CharField(
        verbose_name=_("sessional paper number"),
        max_length=20,
        blank=True,
        help_text=_("e.g. 8545-441-76-05"),
    )
    text_en = models.TextField(_("Text (English)"), blank=True)
    text_fr = models.TextField(_("Text (French)"), blank=True)

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
            models.CheckConstraint(
                condition=plausible_day("tabled_on"), name="response_tabled_on_plausible"
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
        """ "Response by the Minister of Public Safety, tabled May 3, 2023": what a clerk
        reads in the admin's messages and history."""
        if self.ministry_id:
            who = _("the %(minister)s") % {"minister": self.ministry.title}
        else:
            who = self.signed_by or _("the government")
        if self.tabled_on is None:
            return _("Response by %(who)s, not tabled yet") % {"who": who}
        return _("Response by %(who)s, tabled %(day)s") % {
            "who": who,
            "day": date_format(self.tabled_on),
        }

    @property
    def text(self):
        return in_language(self.text_en, self.text_fr)

    def clean(self):
        if errors := day_errors(tabled_on=self.tabled_on):
            raise ValidationError(errors)
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
                    % {"presented": date_format(petition.presented_on)}
                }
            )
