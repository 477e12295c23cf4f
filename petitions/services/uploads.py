"""A House file loaded from the admin in two steps: a dry run whose report the clerk
reads, then, once confirmed, the write, all or nothing, by the same rules as
`import_petitions`. The file waits in the database between the steps (PendingUpload),
so that any web node can confirm it; each step runs in a thread of its own after the
request has answered, so a large file never holds a request past the worker's timeout:
the report page reloads itself until the step is done."""

import io
import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from petitions.house.files import file_format, read_records
from petitions.models import PendingUpload
from petitions.services.imports import petition_import

logger = logging.getLogger(__name__)
State = PendingUpload.State
# Uploads nobody confirmed are dropped after this long.
KEPT_FOR = timezone.timedelta(days=2)


def upload_receive(*, name, content, user):
    """Keep an uploaded file and start its dry run."""
    PendingUpload.objects.filter(uploaded_at__lt=timezone.now() - KEPT_FOR).delete()
    upload = PendingUpload.objects.create(name=name, content=content, uploaded_by=user)
    _run_after_commit(upload.pk, dry_run=True)
    return upload


def upload_confirm(*, upload):
    """Write a checked file; False when it is not waiting for confirmation (written
    already, by a second click or another clerk, or rejected)."""
    started = PendingUpload.objects.filter(
        pk=upload.pk, state=State.CHECKED, report__rejected=[]
    ).update(state=State.WRITING)
    if started:
        _run_after_commit(upload.pk, dry_run=False)
    return bool(started)


def _run_after_commit(pk, *, dry_run):
    if settings.IMPORT_UPLOADS_IN_BACKGROUND:
        thread = threading.Thread(target=_step_in_thread, args=(pk, dry_run), daemon=True)
        transaction.on_commit(thread.start)
    else:
        transaction.on_commit(lambda: upload_step(pk=pk, dry_run=dry_run))


def _step_in_thread(pk, dry_run):
    try:
        upload_step(pk=pk, dry_run=dry_run)
    except Exception:
        # Nobody waits on this thread: the clerk's page must hear that it failed.
        logger.exception("The upload %s could not be imported", pk)
        PendingUpload.objects.filter(pk=pk).update(
            state=State.FAILED, report={"error": "the file could not be read", "rejected": []}
        )
    finally:
        connection.close()


def upload_step(*, pk, dry_run):
    """Run the dry run or the write of upload `pk` and keep its report."""
    upload = PendingUpload.objects.get(pk=pk)
    raw = io.BytesIO(bytes(upload.content))
    unknown = {}
    try:
        report = petition_import(
            records=read_records(file_format(upload.name, raw), raw, unknown),
            source=upload.name,
            dry_run=dry_run,
            unknown=unknown,
        )
    except UnicodeDecodeError as error:
        upload.report = {"error": f"not UTF-8 text ({error.reason})", "rejected": []}
        upload.state = State.FAILED
    else:
        upload.report = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": [
                {
                    "position": rejection.position,
                    "number": rejection.number,
                    "field": rejection.field,
                    "message": rejection.message,
                }
                for rejection in report.rejected
            ],
            "rejected_records": len({rejection.position for rejection in report.rejected}),
            "unknown": sorted(report.unknown),
            "error": report.error,
        }
        refused = bool(report.error or report.rejected)
        if dry_run:
            upload.state = State.FAILED if refused else State.CHECKED
        else:
            upload.state = State.WRITTEN if report.written else State.FAILED
    if not dry_run and upload.state == State.WRITTEN:
        upload.content = b""  # written: the file is in the archive now
    upload.save(update_fields=["report", "state", "content"])
