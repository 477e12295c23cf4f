"""The clerks' admin: petitions with their window, counts by province and responses on
one page; history and revert through django-reversion; no save over a newer version
(petitions/lost_updates.py)."""

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from petitions.house.dates import format_house_date
from petitions.lost_updates import GuardedAdmin, GuardedForm, digest, field_values
from petitions.models import (
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    PendingUpload,
    Petition,
    Province,
    ProvinceSignatureCount,
    SignatureWindow,
    Status,
    Topic,
    province_count_errors,
    related_petitions_refresh,
    window_timeline_errors,
)
from petitions.services.edits import (
    petition_province_counts_set,
    petition_renumbered,
    petition_sponsor_fill,
    petition_window_set,
)
from petitions.services.history import petition_facts_read, petition_history_record
from petitions.services.uploads import upload_confirm, upload_receive
from responses.admin import GovernmentResponseInline


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.in_status(self.value())
        return queryset


def keep_a_copy_before_deletion(request, petitions):
    """Save a last version of each petition, with its window, counts and responses, so
    that the history keeps a copy that "Recover deleted petitions" can restore."""
    with reversion.create_revision(atomic=True):
        reversion.set_user(request.user)
        reversion.set_comment(_("Deleted"))
        for petition in petitions:
            reversion.add_to_revision(petition)


def count_field(province):
    return f"count_{province}"


# The 13 provinces and territories as one grid of counts: a blank cell is unknown.
ProvinceCountsForm = type(
    "ProvinceCountsForm",
    (forms.Form,),
    {
        count_field(code): forms.IntegerField(label=label, required=False, min_value=0)
        for code, label in Province.choices
    },
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("House file"),
        help_text=_("The House's XML export, or this archive's JSON or CSV export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ADMIN_UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("This file is %(size)s; the largest a clerk may upload is %(max)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.ADMIN_UPLOAD_MAX_BYTES),
                }
            )
        return upload


class PetitionAdminForm(GuardedForm, ProvinceCountsForm):
    """The petition with its signature window and its counts by province, checked
    together against the House's rules."""

    window_opens_at = forms.SplitDateTimeField(
        label=_("Opens for signature"), required=False, widget=widgets.AdminSplitDateTime
    )
    window_closes_at = forms.SplitDateTimeField(
        label=_("Closes for signature"), required=False, widget=widgets.AdminSplitDateTime
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("addressee_heading_en", "addressee_heading_fr"):
            # A heading is a line of text: as wide as the texts below it.
            self.fields[name].widget.attrs["class"] = "vLargeTextField"
        petition = self.instance
        if petition.pk is None:
            return
        window = SignatureWindow.objects.filter(petition=petition).first()
        if window is not None:
            self.fields["window_opens_at"].initial = window.opens_at
            self.fields["window_closes_at"].initial = window.closes_at
        for province, count in petition.province_counts.values_list("province", "signature_count"):
            self.fields[count_field(province)].initial = count

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        opens, closes = cleaned.get("window_opens_at"), cleaned.get("window_closes_at")
        if opens and kind == Kind.PAPER:
            self.add_error("window_opens_at", _("A paper petition has no signature window."))
        elif opens and closes:
            self.check_window(opens, closes)
        elif opens or closes:
            self.add_error(
                "window_closes_at" if opens else "window_opens_at",
                _("Give both the opening and the closing of the window, or neither."),
            )
        total = cleaned.get("signature_count")
        if total is None or total >= 0:  # a negative total has its own error
            for message in province_count_errors(
                counts=self.province_counts(), total=total, kind=kind
            ):
                self.add_error("signature_count", message)
        presentation_number = cleaned.get("presentation_number")
        if presentation_number:
            other = (
                Petition.objects.filter(presentation_number=presentation_number)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other is not None:
                self.add_error(
                    "presentation_number",
                    _("%(number)s is already the presentation number of %(other)s.")
                    % {"number": presentation_number, "other": other},
                )
        return cleaned

    def check_window(self, opens, closes):
        try:
            SignatureWindow(opens_at=opens, closes_at=closes).clean()
        except ValidationError as error:
            self.add_error("window_closes_at", error.messages)
            return
        errors = window_timeline_errors(
            closes_at=closes,
            kind=self.cleaned_data.get("kind"),
            outcome=self.cleaned_data.get("outcome"),
            outcome_on=self.cleaned_data.get("outcome_on"),
            presented_on=self.cleaned_data.get("presented_on"),
        )
        for name, message in errors.items():
            if name in self.cleaned_data:
                self.add_error(name, message)

    def province_counts(self):
        """{province: count} of the cells filled in."""
        return {
            code: count
            for code in Province.values
            if (count := self.cleaned_data.get(count_field(code))) is not None
        }


@admin.register(Petition)
class PetitionAdmin(GuardedAdmin, VersionAdmin):
    form = PetitionAdminForm
    list_display = ["number", "kind", "session", "topic", "sponsor", "presented_on", "status"]
    list_filter = [
        StatusFilter,
        "kind",
        "session",
        "ministry",
        "topic",
        "sponsor_caucus",
    ]
    list_select_related = ["session", "topic", "sponsor"]
    search_fields = [
        "number",
        "presentation_number",
        "petitioner_name",
        "whereas_en",
        "whereas_fr",
        "prayer_en",
        "prayer_fr",
        "sponsor__first_name",
        "sponsor__last_name",
        "presenter__first_name",
        "presenter__last_name",
    ]
    autocomplete_fields = [
        "topic",
        "keywords",
        "ministry",
        "addressee_member",
        "sponsor",
        "sponsor_caucus",
        "presenter",
    ]
    readonly_fields = ["status", "response_due_on", "created_at", "updated_at"]
    inlines = [GovernmentResponseInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "kind"),
                    ("session", "house_id"),
                    ("status", "response_due_on"),
                ]
            },
        ),
        (_("Subject"), {"fields": ["topic", "keywords", "original_language"]}),
        (
            _("Petitioner"),
            {
                "fields": [
                    ("petitioner_name", "petitioner_city", "petitioner_province"),
                    "is_petitioner_name_withdrawn",
                ]
            },
        ),
        (
            _("Addressee"),
            {
                "fields": [
                    ("addressee_kind", "ministry", "addressee_member"),
                    "addressee_heading_en",
                    "addressee_heading_fr",
                ]
            },
        ),
        (_("Text in English"), {"fields": ["whereas_en", "prayer_en"]}),
        (_("Text in French"), {"fields": ["whereas_fr", "prayer_fr"]}),
        (
            _("Sponsor"),
            {
                "fields": [("sponsor", "sponsor_riding"), ("sponsor_caucus", "sponsor_province")],
                "description": _(
                    "As they were when the Member sponsored the petition: choosing a "
                    "Member fills in their current riding, caucus and province."
                ),
            },
        ),
        (
            _("Signature window"),
            {"fields": [("window_opens_at", "window_closes_at")]},
        ),
        (
            _("Certification and presentation"),
            {
                "fields": [
                    ("signature_count", "outcome", "outcome_on"),
                    ("presenter", "presenter_riding"),
                    ("presentation_number", "presented_on"),
                ]
            },
        ),
        (
            _("Signatures by province"),
            {
                "fields": [
                    tuple(count_field(code) for code in Province.values[row : row + 4])
                    for row in range(0, len(Province.values), 4)
                ],
                "description": _(
                    "Validated signatures from each province and territory. Leave a cell "
                    "blank where the count is unknown; 0 means none."
                ),
                "classes": ["province-counts"],
            },
        ),
        (_("Source"), {"fields": ["source_url", "source_note", ("created_at", "updated_at")]}),
    ]

    class Media:
        js = ["admin/js/sponsor_fill.js"]
        css = {"all": ["admin/css/clerks.css"]}

    change_list_template = "admin/petitions/petition/change_list_with_import.html"

    def get_urls(self):
        views = [
            path("import/", self.admin_site.admin_view(self.import_view), name="petitions_import"),
            path(
                "import/<int:pk>/",
                self.admin_site.admin_view(self.import_report_view),
                name="petitions_import_report",
            ),
        ]
        return [*views, *super().get_urls()]

    def can_import(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_view(self, request):
        """Upload a House XML (or this archive's JSON or CSV) file: it is checked first,
        and written only when the clerk confirms its report."""
        if not self.can_import(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = upload_receive(
                name=form.cleaned_data["file"].name,
                content=form.cleaned_data["file"].read(),
                user=request.user,
            )
            return redirect("admin:petitions_import_report", pk=upload.pk)
        context = self.admin_site.each_context(request) | {
            "title": _("Import a House file"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/petitions/petition/import_form.html", context)

    def import_report_view(self, request, pk):
        """The dry run's report, with a button to write the file; then the outcome."""
        if not self.can_import(request):
            raise PermissionDenied
        upload = get_object_or_404(PendingUpload.objects.defer("content"), pk=pk)
        if request.method == "POST":
            if upload_confirm(upload=upload):
                messages.info(request, _("Writing %(name)s…") % {"name": upload.name})
            else:
                messages.warning(request, _("This file is not waiting to be written."))
            return redirect("admin:petitions_import_report", pk=upload.pk)
        context = self.admin_site.each_context(request) | {
            "title": _("Importing %(name)s") % {"name": upload.name},
            "opts": self.model._meta,
            "upload": upload,
            "report": upload.report,
            "busy": upload.state in (PendingUpload.State.CHECKING, PendingUpload.State.WRITING),
        }
        return TemplateResponse(request, "admin/petitions/petition/import_report.html", context)

    def reversion_register(self, model, **kwargs):
        # The window and the counts are fields of the petition's form, not inlines:
        # the history keeps them with the petition all the same.
        if model is Petition:
            for related in (SignatureWindow, ProvinceSignatureCount):
                if not reversion.is_registered(related):
                    reversion.register(related)
            kwargs["follow"] = (*kwargs.get("follow", ()), "window", "province_counts")
        super().reversion_register(model, **kwargs)

    def edited_state(self, petition, lock=False):
        state = super().edited_state(petition)
        window = SignatureWindow.objects.filter(petition=petition)
        counts = petition.province_counts.order_by("province")
        responses = petition.responses.order_by("pk")
        if lock:
            window, counts, responses = (
                rows.select_for_update() for rows in (window, counts, responses)
            )
        state["window"] = digest(list(window.values_list("opens_at", "closes_at")))
        state["province_counts"] = digest(list(counts.values_list("province", "signature_count")))
        for response in responses:
            state[f"response-{response.pk}"] = digest(field_values(response))
        return state

    def edited_labels(self, petition):
        labels = super().edited_labels(petition)
        labels["window"] = _("Signature window")
        labels["province_counts"] = _("Signatures by province")
        for response in petition.responses.select_related("ministry"):
            labels[f"response-{response.pk}"] = str(response)
        return labels

    def history_objects(self, petition):
        return [petition, *petition.responses.all()]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def delete_model(self, request, obj):
        keep_a_copy_before_deletion(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        keep_a_copy_before_deletion(request, queryset)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        # What the public read before this save, for the petition's change history.
        form.facts_before = petition_facts_read(obj.pk) if change else None
        if "sponsor" in form.changed_data:
            petition_sponsor_fill(petition=obj)
        super().save_model(request, obj, form, change)
        if change and "number" in form.changed_data:
            petition_renumbered(petition=obj, former=form.initial["number"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        petition_window_set(
            petition=form.instance,
            opens_at=data["window_opens_at"],
            closes_at=data["window_closes_at"],
        )
        petition_province_counts_set(petition=form.instance, counts=form.province_counts())
        petition_history_record(
            petition=form.instance,
            before=form.facts_before,
            after=petition_facts_read(form.instance.pk),
            changed_at=timezone.now(),
        )
        # Its related petitions, if its prayer, topic or keywords changed: the petitions
        # it now lists are marked to list it in turn when next shown.
        related_petitions_refresh([form.instance.pk])

    @admin.display(description=_("status"))
    def status(self, petition):
        status = petition.current_status()
        return status.label if status else "—"

    @admin.display(description=_("response due on"))
    def response_due_on(self, petition):
        return format_house_date(petition.response_due_on) or "—"


@admin.register(ParliamentarySession)
class ParliamentarySessionAdmin(VersionAdmin):
    list_display = ["__str__", "code", "started_on", "ended_on"]


@admin.register(Caucus)
class CaucusAdmin(VersionAdmin):
    list_display = ["short_name", "name_en", "name_fr"]
    search_fields = ["short_name", "name_en", "name_fr"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Member)
class MemberAdmin(GuardedAdmin, VersionAdmin):
    def get_urls(self):
        current = path(
            "<int:pk>/current/",
            self.admin_site.admin_view(self.current_view),
            name="petitions_member_current",
        )
        return [current, *super().get_urls()]

    def current_view(self, request, pk):
        """The Member's current riding, caucus and province, which the petition form
        copies to its sponsor fields when a clerk picks a sponsor."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        member = get_object_or_404(Member.objects.select_related("caucus"), pk=pk)
        return JsonResponse(
            {
                "riding": member.riding,
                "province": member.province,
                "caucus": {"id": member.caucus_id, "text": str(member.caucus)}
                if member.caucus_id
                else None,
            }
        )

    list_display = ["last_name", "first_name", "riding", "province", "caucus"]
    list_filter = ["caucus", "province"]
    list_select_related = ["caucus"]
    search_fields = ["first_name", "last_name", "riding"]
    autocomplete_fields = ["caucus"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


@admin.register(Ministry)
class MinistryAdmin(GuardedAdmin, VersionAdmin):
    list_display = ["title_en", "title_fr"]
    search_fields = ["title_en", "title_fr"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Topic)
class TopicAdmin(GuardedAdmin, VersionAdmin):
    list_display = ["name_en", "name_fr"]
    search_fields = ["name_en", "name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Keyword)
class KeywordAdmin(GuardedAdmin, VersionAdmin):
    list_display = ["name_en", "name_fr"]
    search_fields = ["name_en", "name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}
