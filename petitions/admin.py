"""The clerks' admin: petitions with their window, counts by province and responses on
one page; history and revert through django-reversion."""

import reversion
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from petitions.house.dates import format_house_date
from petitions.models import (
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    ProvinceSignatureCount,
    SignatureWindow,
    Status,
    Topic,
)
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


class SignatureWindowInline(admin.StackedInline):
    model = SignatureWindow
    extra = 0
    max_num = 1
    fields = [("opens_at", "closes_at")]


class ProvinceCountFormSet(BaseInlineFormSet):
    """The counts by province must add up to the total, when both are given."""

    def clean(self):
        super().clean()
        counts = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        petition = self.instance
        if counts and petition.kind == Kind.PAPER:
            raise ValidationError(_("A paper petition has no counts by province."))
        total = petition.signature_count
        counted = sum(row.get("signature_count") or 0 for row in counts)
        if counts and total is not None and counted != total:
            raise ValidationError(
                _(
                    "The counts by province add up to %(counted)s, but the signature total "
                    "is %(total)s."
                )
                % {"counted": counted, "total": total}
            )


class ProvinceSignatureCountInline(admin.TabularInline):
    model = ProvinceSignatureCount
    formset = ProvinceCountFormSet
    extra = 0
    max_num = 13


def changes_since(petition, version):
    """Field labels whose value differs between the saved `version` of a petition and
    the petition as it is now, with who saved it last; for the lost-update message."""
    versions = Version.objects.get_for_object(petition).select_related("revision__user")
    then = next((v.field_dict for v in versions if v.field_dict.get("version") == version), None)
    latest = versions.first()
    changed = []
    for field in Petition._meta.concrete_fields + Petition._meta.many_to_many:
        if not field.editable or field.name in {"version", "updated_at"}:
            continue
        now = field.value_from_object(petition)
        if field.many_to_many:
            now = sorted(obj.pk for obj in now)
        before = then.get(field.attname, then.get(field.name)) if then else None
        if field.many_to_many and before is not None:
            before = sorted(before)
        if then is None or before != now:
            changed.append(str(field.verbose_name))
    who = latest.revision.user if latest and latest.revision.user else None
    return changed, who, latest.revision.date_created if latest else None


def keep_a_copy_before_deletion(request, petitions):
    """Save a last version of each petition, with its window, counts and responses, so
    that the history keeps a copy that "Recover deleted petitions" can restore."""
    with reversion.create_revision(atomic=True):
        reversion.set_user(request.user)
        reversion.set_comment(_("Deleted"))
        for petition in petitions:
            reversion.add_to_revision(petition)


class PetitionAdminForm(forms.ModelForm):
    """Refuses a save based on an older version of the petition (another clerk saved in
    between), so neither edit is lost: theirs is kept, and this clerk's input stays in
    the form to be applied again."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Locks the row until this save commits, so two saves cannot both pass.
        current = Petition.objects.select_for_update().get(pk=self.instance.pk)
        loaded = cleaned.get("loaded_version")
        if loaded != current.version:
            changed, who, when = changes_since(current, loaded)
            raise ValidationError(
                _(
                    "Someone else saved this petition while you were editing it "
                    "(%(who)s, %(when)s). Changed since you opened it: %(fields)s. "
                    "Nothing was saved; your edits are still in the form below. Open the "
                    "petition again in a new tab to see the latest version, then apply "
                    "your edits there."
                )
                % {
                    "who": who or _("an import"),
                    "when": when.strftime("%Y-%m-%d %H:%M") if when else "?",
                    "fields": ", ".join(changed) or _("the responses or counts"),
                }
            )
        return cleaned


@admin.register(Petition)
class PetitionAdmin(VersionAdmin):
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
    inlines = [SignatureWindowInline, ProvinceSignatureCountInline, GovernmentResponseInline]
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
            {"fields": [("petitioner_name", "petitioner_city", "petitioner_province")]},
        ),
        (_("Addressee"), {"fields": [("addressee_kind", "ministry", "addressee_member")]}),
        (_("Text in English"), {"fields": ["whereas_en", "prayer_en"]}),
        (_("Text in French"), {"fields": ["whereas_fr", "prayer_fr"]}),
        (
            _("Sponsor"),
            {"fields": [("sponsor", "sponsor_riding"), ("sponsor_caucus", "sponsor_province")]},
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
        (_("Source"), {"fields": ["source_url", "source_note", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def delete_model(self, request, obj):
        keep_a_copy_before_deletion(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        keep_a_copy_before_deletion(request, queryset)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.cleaned_data["loaded_version"] + 1
        super().save_model(request, obj, form, change)

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
class MemberAdmin(VersionAdmin):
    list_display = ["last_name", "first_name", "riding", "province", "caucus"]
    list_filter = ["caucus", "province"]
    list_select_related = ["caucus"]
    search_fields = ["first_name", "last_name", "riding"]
    autocomplete_fields = ["caucus"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


@admin.register(Ministry)
class MinistryAdmin(VersionAdmin):
    list_display = ["title_en", "title_fr"]
    search_fields = ["title_en", "title_fr"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ["name_en", "name_fr"]
    search_fields = ["name_en", "name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Keyword)
class KeywordAdmin(VersionAdmin):
    list_display = ["name_en", "name_fr"]
    search_fields = ["name_en", "name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}
