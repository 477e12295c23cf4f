from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from petitions.lost_updates import GuardedAdmin
from petitions.services.history import petition_facts_read, petition_history_record
from responses.models import GovernmentResponse


class ResponseFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        positions = [
            form.cleaned_data.get("position")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(positions) != len(set(positions)):
            raise ValidationError(_("Two responses have the same order; give each its own."))


class GovernmentResponseInline(admin.StackedInline):
    model = GovernmentResponse
    formset = ResponseFormSet
    extra = 0
    autocomplete_fields = ["ministry"]
    fields = [
        ("position", "ministry"),
        ("signed_by", "tabled_on", "sessional_paper_number"),
        "text_en",
        "text_fr",
    ]


@admin.register(GovernmentResponse)
class GovernmentResponseAdmin(GuardedAdmin, VersionAdmin):
    list_display = ["petition", "position", "ministry", "tabled_on", "sessional_paper_number"]
    list_filter = ["ministry"]
    list_select_related = ["petition", "ministry"]
    search_fields = [
        "petition__number",
        "sessional_paper_number",
        "signed_by",
        "text_en",
        "text_fr",
    ]
    autocomplete_fields = ["petition", "ministry"]
    date_hierarchy = "tabled_on"

    # A response saved or deleted on its own page changes its petition's public record:
    # kept in the petition's change history as the Clerk's office's.
    def save_model(self, request, obj, form, change):
        petition_id = obj.petition_id
        before = petition_facts_read(petition_id)
        super().save_model(request, obj, form, change)
        petition_history_record(
            petition=obj.petition,
            before=before,
            after=petition_facts_read(petition_id),
            changed_at=timezone.now(),
        )

    def delete_model(self, request, obj):
        petition = obj.petition
        before = petition_facts_read(petition.pk)
        super().delete_model(request, obj)
        petition_history_record(
            petition=petition,
            before=before,
            after=petition_facts_read(petition.pk),
            changed_at=timezone.now(),
        )
