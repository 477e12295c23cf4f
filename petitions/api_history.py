"""The API's view of a petition's history: its signature counts over time and the
changes to its public record (petitions/history.py), at
/api/petitions/<number>/signatures/ and /api/petitions/<number>/changes/."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from petitions.api import conditional_get, kept_answer
from petitions.history import api_change
from petitions.models import Petition


class SignatureSnapshotSerializer(serializers.Serializer):
    taken_at = serializers.DateTimeField(
        help_text=_(
            "When counted: the record's own date where the file gives one, else the import's time."
        )
    )
    signature_count = serializers.IntegerField(
        allow_null=True, help_text=_("Validated signatures.")
    )
    province_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Signatures by province or territory code.")
    )
    source = serializers.SerializerMethodField(
        help_text=_("The imported file's name, or “Clerk's office”.")
    )

    def get_source(self, snapshot) -> str:
        return snapshot.imported_from or "Clerk's office"


class ChangedFieldSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text=_("The field's key, e.g. prayer_en or responses.1.text_en.")
    )
    label = serializers.CharField(help_text=_("The field's name in the language asked."))
    before = serializers.JSONField(
        allow_null=True, help_text=_("Text, a number, null, or its words in English and French.")
    )
    after = serializers.JSONField(allow_null=True, help_text=_("As before."))
    withdrawn = serializers.BooleanField(
        help_text=_("The petitioner's name, withdrawn from public view: no values given.")
    )


class PetitionChangeSerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    source = serializers.CharField(help_text=_("The imported file's name, or “Clerk's office”."))
    fields = ChangedFieldSerializer(many=True, help_text=_("Empty: the petition was added."))


def _petition(number):
    """The petition by its own number, else by its presentation number, as the API's
    detail finds it; 404."""
    petition = Petition.objects.filter(number=number).first()
    return petition or get_object_or_404(Petition, presentation_number=number)


@conditional_get
@kept_answer
class SignatureHistoryView(APIView):
    @extend_schema(responses=SignatureSnapshotSerializer(many=True))
    def get(self, request, number):
        """The petition's signature counts over time, oldest first: one per import (or
        clerk's edit) that changed them, as dense as the imports."""
        snapshots = _petition(number).signature_snapshots.order_by("taken_at")
        return Response(SignatureSnapshotSerializer(snapshots, many=True).data)


@conditional_get
@kept_answer
class ChangeHistoryView(APIView):
    @extend_schema(responses=PetitionChangeSerializer(many=True))
    def get(self, request, number):
        """Every change to the petition's public facts, texts and responses, newest
        first, with each field before and after and the source."""
        petition = _petition(number)
        changes = [api_change(change, petition) for change in petition.changes.all()]
        return Response(PetitionChangeSerializer(changes, many=True).data)
