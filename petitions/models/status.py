"""The one definition of a petition's status, read from its dates and outcome."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import Outcome


class Status(models.TextChoices):
    """What the archive says a petition's state is, in the House's wording."""

    NOT_YET_OPEN = "not_yet_open", _("Not yet open for signature")
    OPEN = "open", _("Open for signature")
    CLOSED = "closed", _("Closed for signature")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    CLOSED_ON_DISSOLUTION = "closed_on_dissolution", _("Closed upon dissolution")
    PRESENTED = "presented", _("Presented to the House of Commons")
    RESPONDED = "responded", _("Government response tabled")


def status_conditions(at=None):
    """The one definition of status: the first condition a petition meets, in order.

    `at` is the moment the status is read at (now by default), so it is built fresh on
    each call."""
    from petitions.models.petition import Petition

    at = at or timezone.now()
    has_response = Exists(
        # Reached by name so this module never imports the responses app.
        Petition.responses.rel.related_model.objects.filter(petition=OuterRef("pk"))
    )
    presented = Q(presented_on__isnull=False) | ~Q(presentation_number="")
    return [
        (Status.RESPONDED, Q(has_response)),
        (Status.PRESENTED, presented),
        (Status.CLOSED_ON_DISSOLUTION, Q(outcome=Outcome.CLOSED_ON_DISSOLUTION)),
        (Status.NOT_CERTIFIED, Q(outcome=Outcome.NOT_CERTIFIED)),
        (Status.CERTIFIED, Q(outcome=Outcome.CERTIFIED)),
        (Status.NOT_YET_OPEN, Q(window__opens_at__gt=at)),
        (Status.OPEN, Q(window__opens_at__lte=at, window__closes_at__gt=at)),
        (Status.CLOSED, Q(pk__isnull=False)),
    ]


def status_filter(status, at=None):
    """A Q that selects petitions in `status`: its own condition and none before it."""
    condition = Q()
    for name, rule in status_conditions(at):
        if name == status:
            return condition & rule
        condition &= ~rule
    raise ValueError(f"Unknown status {status!r}")
