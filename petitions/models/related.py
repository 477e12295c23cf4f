"""Related petitions: for each petition, up to five others that make the same request
(submitted again in another session, or as a paper petition) or are on a close subject.

The database computes and keeps them (migration 0024_related_petitions):

- `RelatedKey`, a row per petition: what its prayer asks in each language (its words,
  stemmed, accents and the opening formula left out, for pg_trgm to compare), and
  whether its list is current; `RelatedHash`, a few numbers for that ask, indexed,
  through which the petitions asking alike are found. Its triggers mark a list out of date
  when the petition's prayer, topic, session, kind or keywords change, and mark the
  lists that name it too.
- `RelatedPetition`, the list itself, in rank order.

related_petitions_refresh(ids) computes the lists of the petitions given that are not
current, in SQL (related_petitions_of, one petition's candidates read through indexes,
so a petition costs about the same whatever the archive's size). A clerk's save and the
import compute the lists of the petitions they changed; the lists those petitions now
join are computed when next shown (or by the import, before it ends);
`compute_related_petitions` computes the whole archive's."""

from django.db import connection, connections, models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petitions.models.database import planned_once, read_alias
from petitions.models.parliament import ParliamentarySession, Topic, ordinal
from petitions.models.petition import Petition

MAX_RELATED = 5
# What a related petition's line shows: its number, kind, session and what it asks.
SHOWN = """
SELECT r.kind, r.score, r.rank, p.id, p.number, p.kind, p.topic_id, p.prayer_en,
    p.prayer_fr, p.whereas_en, p.whereas_fr, s.parliament, s.session, t.name_en, t.name_fr
FROM petitions_relatedpetition r
JOIN petitions_petition p ON p.id = r.related_id
JOIN petitions_parliamentarysession s ON s.id = p.session_id
LEFT JOIN petitions_topic t ON t.id = p.topic_id
WHERE r.petition_id = %s
ORDER BY r.rank
"""


class RelatedKind(models.TextChoices):
    SAME_REQUEST = "same", _("Same request")
    SIMILAR_SUBJECT = "similar", _("Similar subject")


class RelatedState(models.TextChoices):
    CURRENT = "current", _("current")
    # Another petition it lists, or could list, changed: computed again when next shown.
    STALE = "stale", _("out of date")
    # Its own text changed, or it is new: computed again, and the petitions it then
    # lists are told of it (marked stale), since what relates to them relates back.
    CHANGED = "changed", _("changed")


class RelatedKey(models.Model):
    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="related_key"
    )
    ask_en = models.TextField(blank=True)
    ask_fr = models.TextField(blank=True)
    state = models.CharField(
        max_length=8, choices=RelatedState.choices, default=RelatedState.CHANGED
    )

    class Meta:
        indexes = [
            # The few lists to compute again.
            models.Index(
                fields=["petition"],
                condition=~Q(state=RelatedState.CURRENT),
                name="related_not_current",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RelatedState.values), name="related_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id}: {self.state}"


class RelatedHash(models.Model):
    """A few numbers for what a petition asks, from its RelatedKey: the whole ask's hash
    in each language, and three MinHashes of its words (the least hash of its words
    under three salts: two asks share one with a chance of the share of words they
    have in common). The petitions nearest by number under each are a petition's
    candidates, read from the primary key's index in bounded steps."""

    pk = models.CompositePrimaryKey("hash", "petition")
    hash = models.IntegerField()
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.petition_id}: {self.hash}"


class RelatedPetition(models.Model):
    # Read by (petition, rank), the unique constraint's index.
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Indexed: the lists that name a petition are marked out of date when it changes.
    related = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=RelatedKind.choices)
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["petition", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "rank"], name="related_unique_rank"),
            models.UniqueConstraint(fields=["petition", "related"], name="related_unique_pair"),
            models.CheckConstraint(
                condition=~Q(petition=models.F("related")), name="related_not_itself"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_RELATED), name="related_rank_in_range"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelatedKind.values), name="related_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id} → {self.related_id} ({self.kind}, {self.rank})"

    @property
    def label(self):
        """ "Same request, 43rd Parliament" / "Même demande, 43e législature", or
        "Similar subject" / "Sujet semblable", in the page's language."""
        if self.kind == RelatedKind.SAME_REQUEST:
            return gettext("Same request, %(parliament)s Parliament") % {
                "parliament": ordinal(self.related.session.parliament)
            }
        return gettext("Similar subject")


def related_petitions_refresh(ids, *, tell_listed=True):
    """Compute the lists of the petitions `ids` that are not current (those another
    request is computing are left to it). With `tell_listed`, the petitions that a
    changed petition now lists are marked stale, to list it in turn; the whole
    archive's computation goes without. Returns how many lists were computed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT related_petitions_refresh(%s, %s)", [list(ids), tell_listed])
        return cursor.fetchone()[0]


def related_petitions(petition):
    """The petitions related to `petition` (one read from PetitionQuerySet.detail(),
    which reads its list's state with it), best first, each with its `label`;
    computed first if out of date."""
    if getattr(petition, "related_state", RelatedState.CURRENT) != RelatedState.CURRENT:
        related_petitions_refresh([petition.pk])
    # Planned once a connection, and only what is shown, read as rows: through the ORM
    # (select_related and only()) the same five rows took two to five times as long.
    # Read where the petition was read (a replica's, if any); computed on the primary.
    with planned_once(), connections[read_alias()].cursor() as cursor:
        cursor.execute(SHOWN, [petition.pk])
        rows = cursor.fetchall()
    return [_shown(*row) for row in rows]


def _shown(kind, score, rank, pk, number, other_kind, topic_id, *texts_session_topic):
    """A RelatedPetition and its petition, session and topic from a row of SHOWN."""
    prayer_en, prayer_fr, whereas_en, whereas_fr, parliament, session, name_en, name_fr = (
        texts_session_topic
    )
    other = Petition(
        pk=pk,
        number=number,
        kind=other_kind,
        topic_id=topic_id,
        prayer_en=prayer_en,
        prayer_fr=prayer_fr,
        whereas_en=whereas_en,
        whereas_fr=whereas_fr,
    )
    other.session = ParliamentarySession(parliament=parliament, session=session)
    if topic_id is not None:
        other.topic = Topic(pk=topic_id, name_en=name_en, name_fr=name_fr)
    return RelatedPetition(kind=kind, score=score, rank=rank, related=other)
