"""The API's records: how a petition, a Member, a ministry, a session and the statistics'
figures look in JSON, with the help text the API's documentation shows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from petitions.exports.lines import petition_url
from petitions.exports.table import deadline_facts
from petitions.models import Member, Ministry, ParliamentarySession


class NamesSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier, used in filters."))
    name_en = serializers.CharField()
    name_fr = serializers.CharField()


class MinistryRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `ministry` filter."))
    title_en = serializers.CharField()
    title_fr = serializers.CharField()


class CaucusSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `caucus` filter."))
    short_name = serializers.CharField()
    name_en = serializers.CharField()
    name_fr = serializers.CharField()


class MemberRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `sponsor` filter."))
    name = serializers.CharField()
    house_person_id = serializers.IntegerField(
        allow_null=True, help_text=_("The House of Commons' PersonId, where known.")
    )


class SessionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_('"441": 44th Parliament, 1st session.'))

    class Meta:
        model = ParliamentarySession
        fields = ["code", "parliament", "session", "started_on", "ended_on"]


class WindowSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    length_days = serializers.IntegerField()


class ResponseSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    ministry = MinistryRefSerializer(allow_null=True)
    signed_by = serializers.CharField()
    tabled_on = serializers.DateField(allow_null=True)
    sessional_paper_number = serializers.CharField()
    text_en = serializers.CharField()
    text_fr = serializers.CharField()


class RelatedPetitionSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text=_("1 for the closest."))
    relation = serializers.CharField(
        source="kind",
        help_text=_(
            "same: the same request, made again (in another session, or as a paper "
            "petition); similar: a close subject."
        ),
    )
    score = serializers.FloatField(
        help_text=_("How alike, from 0 to 1: the requests' words, keywords and topic.")
    )
    number = serializers.CharField(source="related.number")
    kind = serializers.CharField(source="related.kind", help_text=_("electronic or paper."))
    session = serializers.CharField(source="related.session.code", help_text=_('e.g. "441".'))
    url = serializers.SerializerMethodField(help_text=_("The related petition's page."))
    api_url = serializers.SerializerMethodField(help_text=_("The related petition in the API."))

    def get_url(self, item) -> str:
        return petition_url(item.related)

    def get_api_url(self, item) -> str:
        path = reverse("api:petition-detail", kwargs={"number": item.related.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PetitionSerializer(serializers.Serializer):
    """A petition as the list gives it."""

    number = serializers.CharField(help_text=_("e-N, or the presentation number of a paper one."))
    url = serializers.SerializerMethodField(help_text=_("The petition's page: cite this address."))
    api_url = serializers.SerializerMethodField(help_text=_("This petition in the API."))
    kind = serializers.CharField(help_text=_("electronic or paper."))
    status = serializers.CharField(
        help_text=_(
            "Derived from the dates and the outcome: not_yet_open, open, closed, "
            "certified, not_certified, closed_on_dissolution, presented or responded."
        )
    )
    session = serializers.CharField(source="session.code", help_text=_('e.g. "441".'))
    topic = NamesSerializer(allow_null=True, help_text=_("The subject the House files it under."))
    ministry = MinistryRefSerializer(allow_null=True, help_text=_("The minister addressed."))
    sponsor = MemberRefSerializer(allow_null=True, help_text=_("The sponsoring Member."))
    sponsor_caucus = CaucusSerializer(
        allow_null=True, help_text=_("The sponsor's party when the petition was sponsored.")
    )
    petitioner_province = serializers.CharField(help_text=_("A two-letter code."))
    opens_at = serializers.DateTimeField(
        source="window.opens_at", allow_null=True, default=None, help_text=_("Signing opened.")
    )
    closes_at = serializers.DateTimeField(
        source="window.closes_at", allow_null=True, default=None, help_text=_("Signing closed.")
    )
    presentation_number = serializers.CharField(help_text=_("PPS-NNNNN, once presented."))
    presented_on = serializers.DateField(allow_null=True, help_text=_("Presented in the House."))
    signature_count = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Validated signatures in total; null when the House has not published the "
            "count (unknown, not zero)."
        ),
    )
    response_due_on = serializers.SerializerMethodField(
        help_text=_("45 calendar days after presentation: the deadline of Standing Order 36(8).")
    )
    first_response_on = serializers.DateField(
        allow_null=True, help_text=_("The day the first response was tabled.")
    )
    days_to_respond = serializers.SerializerMethodField(
        help_text=_("Calendar days from presentation to the first response.")
    )
    responded_within_45_days = serializers.SerializerMethodField(
        help_text=_(
            "true if answered by the due date; false if later or overdue; "
            "null while not presented or not yet due."
        )
    )
    prayer_en = serializers.CharField(help_text=_("What the petitioners ask, in English."))
    prayer_fr = serializers.CharField(help_text=_("What the petitioners ask, in French."))

    def get_url(self, petition) -> str:
        return petition_url(petition)

    def get_api_url(self, petition) -> str:
        path = reverse("api:petition-detail", kwargs={"number": petition.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def _facts(self, petition):
        return deadline_facts(petition.presented_on, petition.first_response_on)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_response_due_on(self, petition):
        return self._facts(petition)["response_due_on"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_to_respond(self, petition):
        return self._facts(petition)["days_to_respond"]

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_responded_within_45_days(self, petition):
        return self._facts(petition)["responded_within_45_days"]


class PetitionDetailSerializer(PetitionSerializer):
    """The whole record of one petition."""

    house_id = serializers.IntegerField(
        allow_null=True, help_text=_("The House's own record id, where known.")
    )
    keywords = NamesSerializer(many=True, help_text=_("The House's index terms."))
    petitioner_name = serializers.CharField(
        source="public_petitioner_name",
        help_text=_("The petitioner (e-petitions only); empty when withdrawn from public view."),
    )
    petitioner_city = serializers.CharField(help_text=_("The petitioner's city."))
    original_language = serializers.CharField(help_text=_("en, fr or bilingual."))
    addressee_kind = serializers.CharField(
        help_text=_("house, government, prime_minister, minister or member.")
    )
    addressee_member = MemberRefSerializer(
        allow_null=True, help_text=_("The Member of Parliament addressed, if any.")
    )
    addressee_heading_en = serializers.CharField(
        help_text=_(
            "The House's heading when it names several addressees (the fields above name "
            "the first), in English; empty otherwise."
        )
    )
    addressee_heading_fr = serializers.CharField(
        help_text=_("The same heading in French; empty otherwise.")
    )
    whereas_en = serializers.CharField(help_text=_("One whereas item per line."))
    whereas_fr = serializers.CharField(help_text=_("One whereas item per line."))
    sponsor_riding = serializers.CharField(help_text=_("When the petition was sponsored."))
    sponsor_province = serializers.CharField(help_text=_("When the petition was sponsored."))
    presenter = MemberRefSerializer(
        allow_null=True, help_text=_("The Member who presented it in the House.")
    )
    presenter_riding = serializers.CharField(help_text=_("The presenter's riding."))
    outcome = serializers.CharField(
        help_text=_("certified, not_certified, closed_on_dissolution, or empty while pending.")
    )
    outcome_on = serializers.DateField(allow_null=True, help_text=_("The day of the outcome."))
    window = serializers.SerializerMethodField(help_text=_("The signing period of an e-petition."))
    province_counts = serializers.SerializerMethodField(
        help_text=_("Validated signatures by province or territory code.")
    )
    responses = ResponseSerializer(many=True, help_text=_("The government's responses, in order."))
    source_url = serializers.CharField(help_text=_("Where the record was taken from."))
    source_note = serializers.CharField(help_text=_("Notes on the record's provenance."))
    updated_at = serializers.DateTimeField(help_text=_("When the record last changed."))
    related = RelatedPetitionSerializer(
        many=True,
        help_text=_(
            "Up to five related petitions, the closest first: the same request made "
            "again, then close subjects."
        ),
    )

    @extend_schema_field(WindowSerializer(allow_null=True))
    def get_window(self, petition):
        window = getattr(petition, "window", None) if hasattr(petition, "window") else None
        return WindowSerializer(window).data if window else None

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_province_counts(self, petition):
        return {row.province: row.signature_count for row in petition.province_counts.all()}


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    caucus = CaucusSerializer(allow_null=True, help_text=_("The latest known party."))
    sponsored_count = serializers.IntegerField(help_text=_("E-petitions sponsored."))
    presented_count = serializers.IntegerField(help_text=_("Petitions presented in the House."))

    class Meta:
        model = Member
        fields = [
            "slug",
            "name",
            "first_name",
            "last_name",
            "house_person_id",
            "riding",
            "province",
            "caucus",
            "sponsored_count",
            "presented_count",
        ]


class MinistrySerializer(serializers.ModelSerializer):
    addressed_count = serializers.IntegerField(help_text=_("Petitions addressed to the minister."))
    response_count = serializers.IntegerField(help_text=_("Responses the minister tabled."))
    median_response_days = serializers.FloatField(
        allow_null=True, help_text=_("Median days from presentation to a response.")
    )
    within_deadline_share = serializers.FloatField(
        allow_null=True, help_text=_("Share of responses tabled within 45 days (0 to 1).")
    )

    class Meta:
        model = Ministry
        fields = [
            "slug",
            "title_en",
            "title_fr",
            "addressed_count",
            "response_count",
            "median_response_days",
            "within_deadline_share",
        ]


class TotalsSerializer(serializers.Serializer):
    petition_count = serializers.IntegerField(help_text=_("Petitions the filter keeps."))
    signature_total = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Validated signatures summed over the petitions whose count is published "
            "(signature_known_count of them); null when no count is published: unknown, "
            "not zero."
        ),
    )
    signature_known_count = serializers.IntegerField(
        help_text=_(
            "Petitions whose signature count is published. The others' counts are unknown "
            "and left out of signature_total, not counted as 0."
        )
    )
    presented_count = serializers.IntegerField(help_text=_("Petitions presented in the House."))
    responded_count = serializers.IntegerField(help_text=_("Petitions with a response."))
    on_time_count = serializers.IntegerField(
        help_text=_("Presented petitions answered within 45 days.")
    )
    overdue_count = serializers.IntegerField(
        help_text=_("Presented petitions answered late, or still unanswered after 45 days.")
    )
    not_yet_due_count = serializers.IntegerField(
        help_text=_("Presented petitions not yet answered whose 45 days have not passed.")
    )
    on_time_share = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "on_time_count among the petitions whose deadline has passed (0 to 1); null "
            "when none has."
        ),
    )


STATS_FIGURES = {
    "computed_at": _("When the figures were computed: they are recomputed after each change."),
    "totals": _("Counts and signatures of the petitions the filter keeps."),
    "by_status": _("Petitions by derived status: status, label, count."),
    "by_session": _("Petitions by session: session (code), parliament, number, count."),
    "by_kind": _("Petitions by kind: kind, label, count."),
    "by_ministry": _("Petitions by the minister addressed: ministry (slug), label, count."),
    "by_topic": _("Petitions by topic: topic (slug), label, count."),
    "by_month": _("Petitions by the month they opened (or were presented): month, count."),
    "response_days": _(
        "Responses by days from presentation to tabling: from_days, "
        "to_days (null: no upper bound), within_deadline, count."
    ),
    "response_days_by_ministry": _(
        "Response days per responding minister: ministry, label, count, "
        "within_deadline_count, within_deadline_share, min, p10, p25, median, p75, p90, max."
    ),
    "most_signed": _("The most-signed petitions: number, signature_count, topic."),
}


def figure_field(name, text):
    """The documented field of one of STATS_FIGURES."""
    if name == "computed_at":
        return serializers.DateTimeField(help_text=text)
    if name == "totals":
        return TotalsSerializer(help_text=text)
    return serializers.ListField(help_text=text)
