"""Load petitions from the House's XML export, or from this project's JSON or CSV export."""

import io
import os
import sys
import time
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from petitions.house.files import file_format, read_records
from petitions.services import petition_import
from petitions.services.related import related_petitions_compute
from petitions.services.search_rewrite import rewrite_queued_now


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it, for the progress bar."""

    def __init__(self, raw, on_read):
        self.raw = raw
        self.on_read = on_read

    def readable(self):
        return True

    def seekable(self):
        return self.raw.seekable()

    def seek(self, offset, whence=io.SEEK_SET):
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()

    def readinto(self, buffer):
        count = self.raw.readinto(buffer)
        self.on_read(count or 0)
        return count


class Progress:
    """A tqdm bar on a terminal; a plain line every few seconds elsewhere."""

    def __init__(self, name, size, stream):
        self.name, self.size, self.stream = name, size, stream
        self.records = 0
        self.done = 0
        self.bar = None
        self.last = time.monotonic()
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=size, unit="B", unit_scale=True, desc=name, file=stream, leave=False
            )

    def read(self, count):
        self.done += count
        if self.bar is not None:
            self.bar.update(count)

    def tick(self):
        self.records += 1
        if self.bar is None and time.monotonic() - self.last >= 5:
            self.last = time.monotonic()
            share = 100 * self.done / self.size if self.size else 100
            self.stream.write(f"{self.name}: {self.records:,} records read ({share:.0f}%)\n")
            self.stream.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = (
        "Load petitions from the House's XML export, or this project's JSON or CSV "
        "export. Each file is loaded all or nothing; every rejected record is reported "
        "with its position and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--format",
            choices=["xml", "json", "csv"],
            help="The files' format (by default from each name's ending or its first bytes).",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid records of a file even when some are rejected.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args, files, format=None, skip_invalid=False, dry_run=False, **options):
        paths = [Path(name) for name in files]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}. Nothing was imported.")
        failed = 0
        for path in paths:
            report = self.import_file(path, format, skip_invalid, dry_run)
            failed += bool(report.error or report.rejected)
        if not dry_run:
            rewrite_queued_now()
            # The related petitions of those new or changed, and theirs in turn.
            related_petitions_compute(fill_keys=False)
        if failed:
            raise CommandError(f"{failed} of {len(paths)} file(s) had records rejected.")

    def import_file(self, path, kind, skip_invalid, dry_run):
        started = time.monotonic()
        progress = Progress(path.name, os.path.getsize(path), sys.stderr)
        unknown = {}
        try:
            raw_file = open(path, "rb", buffering=0)  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
        with raw_file:
            kind = kind or file_format(path.name, raw_file)
            raw = CountingReader(raw_file, progress.read)
            try:
                report = petition_import(
                    records=read_records(kind, raw, unknown),
                    source=path.name,
                    skip_invalid=skip_invalid,
                    dry_run=dry_run,
                    unknown=unknown,
                    tick=progress.tick,
                )
            except UnicodeDecodeError as error:
                raise CommandError(f"{path}: not UTF-8 text ({error.reason}).") from None
            finally:
                progress.close()
        seconds = time.monotonic() - started
        self.print_report(path, report, seconds, dry_run, skip_invalid)
        return report

    def print_report(self, path, report, seconds, dry_run, skip_invalid):
        for name, position in sorted(report.unknown.items(), key=lambda item: item[1]):
            self.stderr.write(f"{path.name}: unknown element {name} ignored (first at {position})")
        for warning in report.warnings:
            self.stderr.write(f"{path.name}: warning {warning}")
        for rejection in report.rejected:
            self.stderr.write(f"{path.name}: rejected {rejection}")
        if report.error:
            self.stderr.write(f"{path.name}: {report.error}. Nothing of this file was written.")
            return
        if not report.records:
            self.stderr.write(f"{path.name}: no petitions found in this file.")
        rate = report.records / seconds if seconds else 0
        counts = (
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len({r.position for r in report.rejected})} rejected"
        )
        if dry_run:
            verdict = "dry run: nothing written"
        elif report.written:
            verdict = "written"
        else:
            verdict = "nothing written (use --skip-invalid to write the valid records)"
        line = f"{path.name}: {counts}; {verdict} ({rate:,.0f} records/s)"
        if report.rejected and not (skip_invalid and report.written):
            self.stderr.write(line)
        else:
            self.stdout.write(line)
