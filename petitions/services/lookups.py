"""Finding the rows an imported record names (sessions, caucuses, Members, ministries,
topics, keywords), and making the missing ones."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from petitions.house.dates import OTTAWA
from petitions.house.records import fold
from petitions.models import (
    PRESENTATION_NUMBER,
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    Topic,
)


class RecordInvalid(Exception):
    """One record breaks the models' rules: [(field, message), ...]."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


def validation_errors(error, prefix=""):
    """[(field, message)] from a ValidationError, fields named as the models name them."""
    if hasattr(error, "error_dict"):
        return [
            (f"{prefix}{name}" if name != "__all__" else prefix.rstrip(".") or "record", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [(prefix.rstrip(".") or "record", message) for message in error.messages]


class Lookups:
    """Finds the rows a file's records refer to by name, and makes the missing ones,
    once per file. Rows made for a record that is then rejected are forgotten with it."""

    def __init__(self):
        self.made = []
        self.sessions = list(ParliamentarySession.objects.all())
        self.caucuses = {}
        for caucus in Caucus.objects.all():
            self._index_caucus(caucus)
        self.topics = self._index(Topic.objects.all(), "name_en", "name_fr")
        self.keywords = self._index(Keyword.objects.all(), "name_en", "name_fr")
        self.ministries = self._index(Ministry.objects.all(), "title_en", "title_fr")
        self.members_by_id = {}
        self.members_by_name = {}
        for member in Member.objects.all():
            self._index_member(member)
        self.made = []  # rows made for the record being written
        # (row, its names before, [(index, key)] it left) for rows given their other name
        self.named = []

    # Bookkeeping for rejected records.

    def keep(self):
        self.made = []
        self.named = []

    def forget(self):
        for row, names, unindexed in reversed(self.named):
            for name, value in names.items():
                setattr(row, name, value)
            for index, key in unindexed:
                index[key] = row
        self.named = []
        for index, key, row in self.made:
            if index is self.sessions:
                self.sessions.remove(row)
            elif isinstance(index, dict) and index.get(key) is row:
                del index[key]
            elif isinstance(index, dict) and isinstance(index.get(key), list):
                index[key].remove(row)
        self.made = []

    def _remember(self, index, key, row):
        self.made.append((index, key, row))

    @staticmethod
    def _index(rows, en, fr):
        index = {"en": {}, "fr": {}}
        for row in rows:
            index["en"].setdefault(fold(getattr(row, en)), row)
            if getattr(row, fr):
                index["fr"].setdefault(fold(getattr(row, fr)), row)
        return index

    # Names of things.

    def _found(self, index, names):
        for language, name in (("en", names.get("en")), ("fr", names.get("fr"))):
            name = (name or "").strip()
            if not name:
                continue
            other = "fr" if language == "en" else "en"
            row = index[language].get(fold(name)) or index[other].get(fold(name))
            if row is not None:
                return row
        return None

    def _named(self, index, names, model, en, fr, field_name, partner=None):
        """The row one of `names` ({"en", "fr"}) names, made when none does.

        `partner` is the key of the row that holds this place on the petition already
        (its topic, the ministry it addresses, a response's ministry): a name in one
        language that no row has becomes that row's name in this language when it
        lacks one, so the French and English records of one petition name one row,
        whichever comes first. A French name never makes a row in the partner's place."""
        if not names:
            return None
        row = self._found(index, names)
        if row is not None:
            return row
        english, french = (names.get("en") or "").strip(), (names.get("fr") or "").strip()
        if partner is not None and bool(english) != bool(french):
            row = self._other_name(index, model, en, fr, partner, english, french)
            if row is None and french:
                # A French name no row has does not move the petition off the row it
                # has: its English record says which that is.
                row = self._row(index, partner)
            if row is not None:
                return row
        # A name known only in French stands in for the English one until its English
        # record or a clerk gives it.
        name_en = english or french
        row = model(**{en: name_en, fr: french})
        row.slug = unique_slug(model, name_en)
        try:
            row.full_clean()
        except ValidationError as error:
            raise RecordInvalid(validation_errors(error, f"{field_name}.")) from None
        row.save()
        for language, name in (("en", name_en), ("fr", french)):
            if name and fold(name) not in index[language]:
                index[language][fold(name)] = row
                self._remember(index[language], fold(name), row)
        return row

    def _other_name(self, index, model, en, fr, partner, english, french):
        """The row `partner` with its missing name given, or None when it has both."""
        row = self._row(index, partner)
        if row is None:
            return None
        before = {en: getattr(row, en), fr: getattr(row, fr), "slug": row.slug}
        if french and not before[fr]:
            row_names = {fr: french}
        elif english and before[fr] and fold(before[en]) == fold(before[fr]):
            # Made from its French name alone: the English one takes its place, and the
            # address follows the English name as it does for every other row.
            row_names = {en: english, "slug": unique_slug(model, english)}
        else:
            return None
        unindexed = []
        if en in row_names and index["en"].get(fold(before[en])) is row:
            del index["en"][fold(before[en])]
            unindexed.append((index["en"], fold(before[en])))
        self.named.append((row, before, unindexed))
        for name, value in row_names.items():
            setattr(row, name, value)
        row.save(update_fields=list(row_names))
        language, name = ("fr", french) if french else ("en", english)
        index[language][fold(name)] = row
        self._remember(index[language], fold(name), row)
        return row

    @staticmethod
    def _row(index, pk):
        return next((row for row in index["en"].values() if row.pk == pk), None)

    def find_keyword(self, names):
        return self._found(self.keywords, names)

    def topic(self, names, partner=None):
        return self._named(self.topics, names, Topic, "name_en", "name_fr", "topic", partner)

    def keyword(self, names, partner=None):
        return self._named(self.keywords, names, Keyword, "name_en", "name_fr", "keywords", partner)

    def ministry(self, names, field_name="ministry", partner=None):
        return self._named(
            self.ministries, names, Ministry, "title_en", "title_fr", field_name, partner
        )

    def _index_caucus(self, caucus):
        names = [caucus.short_name, caucus.name_en, caucus.name_fr, *(caucus.aliases or [])]
        for name in names:
            if name and fold(name) not in self.caucuses:
                self.caucuses[fold(name)] = caucus
                self._remember(self.caucuses, fold(name), caucus)

    def caucus(self, names, partner=None):
        """A caucus by any of its spellings ("Conservative Caucus", "CPC", "Caucus
        conservateur"), case and accents aside. `partner` is the petition's caucus
        already: as for topics (_named), an unknown name in one language becomes its
        name in that language when it was made from the other language's alone."""
        if not names:
            return None
        given = [(names.get(key) or "").strip() for key in ("short", "en", "fr")]
        for name in given:
            if name and fold(name) in self.caucuses:
                return self.caucuses[fold(name)]
        short, english, french = given
        if partner is not None and bool(english) != bool(french):
            caucus = self._caucus_named_again(partner, english, french)
            if caucus is not None:
                return caucus
        name = english or short or french
        caucus = Caucus(
            short_name=short or name,
            name_en=name,
            name_fr=french or name,
            aliases=list(dict.fromkeys(n for n in given if n)),
        )
        caucus.slug = unique_slug(Caucus, caucus.short_name)
        try:
            caucus.full_clean()
        except ValidationError as error:
            raise RecordInvalid(validation_errors(error, "sponsor_caucus.")) from None
        caucus.save()
        self._index_caucus(caucus)
        return caucus

    def _caucus_named_again(self, partner, english, french):
        caucus = next((c for c in self.caucuses.values() if c.pk == partner), None)
        if caucus is None or fold(caucus.name_en) != fold(caucus.name_fr):
            return None  # it has a name in each language: the record names another
        before = {
            "short_name": caucus.short_name,
            "name_en": caucus.name_en,
            "name_fr": caucus.name_fr,
            "slug": caucus.slug,
            "aliases": list(caucus.aliases or []),
        }
        changes = {"aliases": [*before["aliases"], english or french]}
        if french:
            changes["name_fr"] = french
        else:
            # Made from its French name alone: the English one takes its place, and
            # the address follows the English name as for every other caucus.
            changes.update(name_en=english, slug=unique_slug(Caucus, english))
            if caucus.short_name == caucus.name_fr:
                changes["short_name"] = english
        self.named.append((caucus, before, []))
        for name, value in changes.items():
            setattr(caucus, name, value)
        caucus.save(update_fields=list(changes))
        self._index_caucus(caucus)
        return caucus

    # Members.

    def _index_member(self, member):
        if member.house_person_id:
            self.members_by_id[member.house_person_id] = member
        key = (fold(member.first_name), fold(member.last_name))
        self.members_by_name.setdefault(key, []).append(member)
        return key

    def member(self, ref, *, riding="", province="", caucus=None, field_name="sponsor"):
        """A Member by House PersonId, else by name (the same riding first when two
        Members share a name); made from what the petition says when unknown."""
        if not ref:
            return None
        person_id = ref.get("house_person_id")
        if person_id and person_id in self.members_by_id:
            return self.members_by_id[person_id]
        key = (fold(ref.get("first_name")), fold(ref.get("last_name")))
        namesakes = self.members_by_name.get(key, [])
        if namesakes:
            same_riding = [m for m in namesakes if riding and fold(m.riding) == fold(riding)]
            return (same_riding or namesakes)[0]
        member = Member(
            first_name=ref.get("first_name", ""),
            last_name=ref.get("last_name", ""),
            house_person_id=person_id,
            riding=riding,
            province=province,
            caucus=caucus,
        )
        member.slug = unique_slug(Member, f"{member.first_name} {member.last_name}")
        try:
            member.full_clean()
        except ValidationError as error:
            raise RecordInvalid(validation_errors(error, f"{field_name}.")) from None
        member.save()
        key = self._index_member(member)
        self._remember(self.members_by_name, key, member)
        if person_id:
            self._remember(self.members_by_id, person_id, member)
        return member

    # Sessions.

    def session(self, record, current):
        """The session a record names by numbers, by its presentation number, or by its
        dates; `current` when the record says nothing of it. A session row is made only
        when the record gives its numbers and its start."""
        parliament, number = record.get("parliament"), record.get("session")
        presentation = record.get("presentation_number") or (
            record["number"] if record.get("kind") == Kind.PAPER else ""
        )
        match = PRESENTATION_NUMBER.match(presentation or "")
        if match and not (parliament and number):
            if parliament and parliament != int(match[1]):
                raise RecordInvalid(
                    [("parliament", f"{presentation} was presented in the {match[1]}th Parliament")]
                )
            parliament, number = int(match[1]), int(match[2])
        keeps_current = parliament is None or (current and current.parliament == parliament)
        if not (parliament and number) and current is not None and keeps_current:
            return current
        if parliament and number:
            for session in self.sessions:
                if (session.parliament, session.session) == (parliament, number):
                    return session
            return self._make_session(record, parliament, number)
        day = _first_day(record)
        if day is None:
            if current is not None:
                return current
            raise RecordInvalid([("session", "the file gives no session and no date to find it")])
        candidates = [s for s in self.sessions if not parliament or s.parliament == parliament]
        within = [s for s in candidates if s.started_on <= day <= (s.ended_on or day)]
        before = sorted((s for s in candidates if s.started_on <= day), key=lambda s: s.started_on)
        found = within[:1] or before[-1:]
        if not found:
            where = f"of the {parliament}th Parliament " if parliament else ""
            raise RecordInvalid([("session", f"no session {where}was sitting on {day}")])
        return found[0]

    def _make_session(self, record, parliament, number):
        """A session the archive lacks, from the dates the file gives for it (this
        project's exports carry them), never from its petitions' dates: those are not
        the session's."""
        started_on = record.get("session_started_on")
        if started_on is None:
            raise RecordInvalid(
                [
                    (
                        "session",
                        f"session {parliament}-{number} is not in the archive, and the file "
                        "does not say when it started: a clerk adds it in the admin first",
                    )
                ]
            )
        session = ParliamentarySession(
            parliament=parliament,
            session=number,
            started_on=started_on,
            ended_on=record.get("session_ended_on"),
        )
        try:
            session.full_clean()
        except ValidationError as error:
            raise RecordInvalid(validation_errors(error, "session.")) from None
        session.save()
        self.sessions.append(session)
        self._remember(self.sessions, None, session)
        return session


def _first_day(record):
    """The earliest date a record gives, on Ottawa's clock."""
    days = [record.get("presented_on"), record.get("outcome_on")]
    if record.get("opens_at"):
        days.append(record["opens_at"].astimezone(OTTAWA).date())
    days += [response.get("tabled_on") for response in record.get("responses") or []]
    days = [day for day in days if day]
    return min(days) if days else None


def unique_slug(model, text):
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 8] or "item"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
