"""The benchmark's scenarios: the pages citizens, researchers and robots ask for, with the
parameters picked from the database being measured, so the same scenarios run at any
size. `facts()` picks them; `scenarios(facts)` gives (name, path, target p95 in ms)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Window
from django.db.models.functions import RowNumber

from petitions.models import (
    Member,
    Ministry,
    Petition,
    ProvinceSignatureCount,
    SignatureSnapshot,
    Status,
)

# The p95 each kind of page must stay under at 1,000,000 petitions, in milliseconds.
TARGET_LIST = 50
TARGET_SEARCH = 100
TARGET_DETAIL = 15
TARGET_STATS = 200
# Pages the targets do not name: held to the list's.
TARGET_OTHER = 50

# Searched words: one in about one petition in twenty (a subject), one in every petition,
# a phrase, a French word with its accent, and one letter. Every search page also
# computes its rows' passages (the matched words in context).
COMMON_WORD = "housing"
EVERYWHERE_WORD = "canada"
PHRASE = '"affordable housing"'
FRENCH_WORD = "forêts"
ONE_LETTER = "a"
DEEP_PAGE = 1000
EXPORT_ROWS = 100_000
CRAWLED_PETITIONS = 1000


def facts():
    """Real values from the database: a petition with two responses and 13 province
    counts, the busiest Member and ministry, a complete set of filter values that keeps
    at least one petition, and the presentation date after which EXPORT_ROWS were
    presented."""
    full_provinces = (
        ProvinceSignatureCount.objects.values("petition")
        .annotate(n=Count("pk"))
        .filter(n=13)
        .values("petition")
    )
    detail = (
        Petition.objects.filter(pk__in=full_provinces)
        .annotate(responses_count=Count("responses"))
        .filter(responses_count=2, keywords__isnull=False, topic__isnull=False)
        .filter(ministry__isnull=False, sponsor__isnull=False, window__isnull=False)
        .order_by("-pk")
        .select_related("session", "topic", "ministry", "sponsor", "sponsor_caucus", "window")
        .first()
    )
    if detail is None:
        raise SystemExit("No petition with two responses and 13 province counts to measure.")
    member = Member.objects.annotate(n=Count("petitions_sponsored")).order_by("-n", "pk").first()
    ministry = Ministry.objects.annotate(n=Count("petitions")).order_by("-n", "pk").first()
    rare = _rare_word()
    export_after = (
        Petition.objects.filter(presented_on__isnull=False)
        .order_by("-presented_on")
        .values_list("presented_on", flat=True)[EXPORT_ROWS - 1 : EXPORT_ROWS]
        .first()
    )
    opened = detail.window.opens_at.date()
    every_filter = {
        "q": COMMON_WORD if COMMON_WORD in detail.prayer_en.lower() else detail.topic.name_en,
        "status": Petition.objects.with_status().get(pk=detail.pk).status,
        "kind": detail.kind,
        "session": detail.session.code,
        "topic": detail.topic.slug,
        "keyword": detail.keywords.order_by("pk").first().slug,
        "ministry": detail.ministry.slug,
        "sponsor": detail.sponsor.slug,
        "caucus": detail.sponsor_caucus.slug if detail.sponsor_caucus else "",
        "province": detail.petitioner_province,
        "opened_after": (opened - datetime.timedelta(days=30)).isoformat(),
        "opened_before": (opened + datetime.timedelta(days=30)).isoformat(),
        "presented_after": (detail.presented_on - datetime.timedelta(days=60)).isoformat(),
        "presented_before": (detail.presented_on + datetime.timedelta(days=60)).isoformat(),
        "responded": "yes",
        "min_signatures": max(0, detail.signature_count - 1000),
        "max_signatures": detail.signature_count + 1000,
    }
    petitions = Petition.objects.count()
    # A crawler's pattern: petitions spread over the whole table, every one asked for
    # once in turn, so that a kept page is seldom asked for again.
    step = max(1, petitions // CRAWLED_PETITIONS)
    crawled = list(
        Petition.objects.annotate(row=Window(RowNumber(), order_by="pk"))
        .filter(row__in=range(1, petitions + 1, step))
        .values_list("number", flat=True)[:CRAWLED_PETITIONS]
    )
    signer = detail.responses.order_by("position").values_list("signed_by", flat=True).first()
    return {
        "petitions": petitions,
        "detail": detail.number,
        "history": _with_history(),
        # Search words that only the search document's other fields hold: a topic's
        # names, who signed a response, a Member's name with a word of the text, a
        # number's bare digits with a word.
        "topic_name_en": detail.topic.name_en,
        "topic_name_fr": detail.topic.name_fr or detail.topic.name_en,
        "signer": (signer or "Damoff").split(",")[0].split()[-1],
        "member_name": member.last_name,
        "number_digits": detail.number.removeprefix("e-").replace("-", ""),
        "crawled": crawled,
        "member": member.slug,
        "ministry": ministry.slug,
        "session": detail.session.code,
        "topic": detail.topic.slug,
        "rare_word": rare,
        "every_filter": {k: v for k, v in every_filter.items() if v != ""},
        "export_presented_after": export_after.isoformat() if export_after else None,
    }


def _with_history():
    """The number of the open petition with the longest signature history (seed_demo
    gives open petitions one), or None in a database seeded before there was any."""
    busiest = (
        SignatureSnapshot.objects.values("petition")
        .annotate(n=Count("pk"))
        .order_by("-n", "-petition")
        .values_list("petition__number", flat=True)
        .first()
    )
    return busiest


def _rare_word():
    """A petitioner's family name borne by few petitioners: names are in the search text
    (weight C) while the templated prayers repeat a small vocabulary."""
    names = (
        Petition.objects.exclude(petitioner_name="")
        .order_by("-pk")
        .values_list("petitioner_name", flat=True)[:2000]
    )
    counts = {}
    for name in names:
        last = name.split()[-1]
        counts[last] = counts.get(last, 0) + 1
    return min(sorted(counts), key=lambda word: counts[word]) if counts else "zzyzx"


def _list(**query):
    return "/petitions/?" + urlencode(query, doseq=True) if query else "/petitions/"


def scenarios(f):
    """(name, path, target p95 ms) in the order the table shows them."""
    every = f["every_filter"]
    export_query = {"presented_after": f["export_presented_after"]}
    if f["petitions"] <= EXPORT_ROWS or not f["export_presented_after"]:
        export_query = {}
    return [
        ("home", "/", TARGET_OTHER),
        ("list", _list(), TARGET_LIST),
        ("list, 1 filter", _list(session=f["session"]), TARGET_LIST),
        (
            "list, 3 filters",
            _list(session=f["session"], topic=f["topic"], status=Status.RESPONDED),
            TARGET_LIST,
        ),
        ("list, every filter", _list(**every), TARGET_LIST),
        ("list, status open", _list(status=Status.OPEN), TARGET_LIST),
        ("list, overdue", _list(response_overdue="yes"), TARGET_LIST),
        ("search, common word", _list(q=COMMON_WORD), TARGET_SEARCH),
        ("search, in every petition", _list(q=EVERYWHERE_WORD), TARGET_SEARCH),
        ("search, rare word", _list(q=f["rare_word"]), TARGET_SEARCH),
        ("search, phrase", _list(q=PHRASE), TARGET_SEARCH),
        ("search, French accented", "/fr" + _list(q=FRENCH_WORD), TARGET_SEARCH),
        ("search, one letter", _list(q=ONE_LETTER), TARGET_SEARCH),
        ("search, topic name", _list(q=f["topic_name_en"]), TARGET_SEARCH),
        ("search, topic name in French", "/fr" + _list(q=f["topic_name_fr"]), TARGET_SEARCH),
        ("search, response signer", _list(q=f["signer"]), TARGET_SEARCH),
        (
            "search, Member and word",
            _list(q=f"{f['member_name']} {COMMON_WORD}"),
            TARGET_SEARCH,
        ),
        (
            "search, number digits and word",
            _list(q=f"{f['number_digits']} {f['topic_name_en']}"),
            TARGET_SEARCH,
        ),
        (
            "search + 3 filters",
            _list(q=COMMON_WORD, session=f["session"], status="responded", province="ON"),
            TARGET_SEARCH,
        ),  # fmt: skip
        ("sort by signatures", _list(sort="signatures"), TARGET_LIST),
        (f"deep page ({DEEP_PAGE})", _list(page=DEEP_PAGE), TARGET_LIST),
        ("detail", f"/petitions/{f['detail']}/", TARGET_DETAIL),
        *(
            [
                ("detail, with signature history", f"/petitions/{f['history']}/", TARGET_DETAIL),
                ("changes", f"/petitions/{f['history']}/changes/", TARGET_OTHER),
                (
                    "signature history CSV",
                    f"/petitions/{f['history']}/signatures.csv",
                    TARGET_OTHER,
                ),
                ("API changes", f"/api/petitions/{f['history']}/changes/", TARGET_OTHER),
            ]
            if f.get("history")
            else []
        ),
        ("member", f"/members/{f['member']}/", TARGET_OTHER),
        ("members", "/members/", TARGET_OTHER),
        ("ministry", f"/ministries/{f['ministry']}/", TARGET_OTHER),
        ("ministries", "/ministries/", TARGET_OTHER),
        ("stats", "/stats/", TARGET_STATS),
        ("feed", "/feeds/petitions/", TARGET_OTHER),
        ("API list", "/api/petitions/", TARGET_LIST),
        ("API list, search", "/api/petitions/?" + urlencode({"q": COMMON_WORD}), TARGET_SEARCH),
        ("API detail", f"/api/petitions/{f['detail']}/", TARGET_DETAIL),
        ("export CSV", "/petitions/export.csv?" + urlencode(export_query), None),
    ]


def throughput_paths(f):
    """The pages loaded under gunicorn, and the one-query floor they are compared to."""
    return {
        "floor (/healthz)": "/healthz",
        "home": "/",
        "list": "/petitions/",
        "search": _list(q=COMMON_WORD),
        "detail": f"/petitions/{f['detail']}/",
        f"detail, {len(f['crawled']):,} petitions": [f"/petitions/{n}/" for n in f["crawled"]],
    }


# A mix for the load test of many clients.
def mixed_paths(f):
    return [
        "/",
        "/petitions/",
        _list(q=COMMON_WORD),
        _list(session=f["session"]),
        f"/petitions/{f['detail']}/",
        "/api/petitions/",
        f"/api/petitions/{f['detail']}/",
    ]
