"""Files a clerk uploads in the admin, kept between their dry run and the write."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingUpload(models.Model):
    """A file a clerk uploaded in the admin, kept in the database between its dry run
    and the clerk's confirmation, so that any web node can show its report and write it
    (see petitions/services/uploads.py)."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        WRITING = "writing", _("Writing")
        WRITTEN = "written", _("Written")
        FAILED = "failed", _("Not written")

    name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    # What the dry run (then the write) found: counts, rejections, the file's error.
    report = models.JSONField(default=dict)

    def __str__(self):
        return self.name
