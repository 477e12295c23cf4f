"""Demo data's rows: one session's synthetic petitions, with their windows, counts by
province, responses and keyword links, as dicts ready for COPY (see demo.py)."""

import datetime

from petitions.models import Kind, Petition, ProvinceSignatureCount, SignatureWindow
from responses.models import GovernmentResponse


def session_rows(
    rng,
    session,
    size,
    *,
    as_of,
    members,
    topics,
    ministries,
    keywords,
    state,
    sequence,
    e_share,
    synthetic,
):
    """One session's petitions and their rows, as [(name, model, rows)] for COPY."""
    end = min(session.ended_on or as_of, as_of)
    span = (end - session.started_on).days + 1
    dissolved = session.ended_on is not None and session.ended_on < as_of
    petitions = []
    for _ in range(size):
        day = session.started_on + datetime.timedelta(days=rng.randrange(span))
        electronic = day >= synthetic.E_PETITIONS_BEGAN and rng.random() < e_share
        petitions.append(
            _petition_row(
                rng,
                day,
                electronic,
                session,
                end,
                dissolved,
                as_of,
                members,
                topics,
                ministries,
                keywords,
                synthetic,
            )
        )
    petitions.sort(key=lambda p: (p["_day"], p["_minutes"]))
    presented = sorted((p for p in petitions if p["presented_on"]), key=lambda p: p["presented_on"])
    for petition in presented:
        sequence += 1
        petition["presentation_number"] = f"{session.code}-{sequence:05d}"
    windows, counts, responses, links = [], [], [], []
    for petition in petitions:
        state["petition_id"] += 1
        pk = petition["id"] = state["petition_id"]
        petition["created_at"] = petition["updated_at"] = state["created_at"]
        if petition["kind"] == Kind.ELECTRONIC:
            state["e_number"] += 1 + (rng.random() < 0.04)  # the House's numbers have gaps
            petition["number"] = f"e-{state['e_number']}"
            windows.append(
                {
                    "petition_id": pk,
                    "opens_at": petition["_opens_at"],
                    "closes_at": petition["_closes_at"],
                }
            )
            counts.extend(
                {"petition_id": pk, "province": code, "signature_count": n}
                for code, n in petition["_counts"].items()
            )
        else:
            petition["number"] = petition["presentation_number"]
        for response in petition["_responses"]:
            response["petition_id"] = pk
            responses.append(response)
        links.extend(
            {"petition_id": pk, "keyword_id": keyword.pk} for keyword in petition["_keywords"]
        )
    # The petitions last: their rows' triggers (activity date, search document, export
    # lines; they fire always) read the window, responses and keywords stored before.
    # Foreign keys are checked after the load (see demo_petitions_seed).
    return [
        ("signature windows", SignatureWindow, windows),
        ("counts by province", ProvinceSignatureCount, counts),
        ("responses", GovernmentResponse, responses),
        ("keyword links", Petition.keywords.through, links),
        ("petitions", Petition, petitions),
    ]


def _petition_row(
    rng,
    day,
    electronic,
    session,
    end,
    dissolved,
    as_of,
    members,
    topics,
    ministries,
    keywords,
    synthetic,
):
    topic = rng.choice(topics)
    sponsor = rng.choice(members)
    roll = rng.random()
    if roll < 0.5:
        kind_of_addressee = "government"
    elif roll < 0.8:
        kind_of_addressee = "house"
    elif roll < 0.95:
        kind_of_addressee = "minister"
    else:
        kind_of_addressee = "prime_minister"
    ministry = None
    if kind_of_addressee == "minister":
        ministry = rng.choice(ministries[1:] or ministries)
        addressee = (ministry.title_en, ministry.title_fr or ministry.title_en)
    else:
        addressee = synthetic.ADDRESSEES[kind_of_addressee]
        if kind_of_addressee == "prime_minister":
            ministry = ministries[0]
    roll = rng.random()
    language = "en" if roll < 0.74 else ("fr" if roll < 0.97 else "bilingual")
    variant = rng.getrandbits(24)
    whereas_en, whereas_fr, prayer_en, prayer_fr = synthetic.text_for(
        variant, topic.name_en, *addressee, count_whereas=2 + variant % 3
    )
    petition = {
        "kind": Kind.ELECTRONIC if electronic else Kind.PAPER,
        "session_id": session.pk,
        "topic_id": topic.pk,
        "original_language": language,
        "addressee_kind": kind_of_addressee,
        "ministry_id": ministry.pk if ministry else None,
        "whereas_en": whereas_en,
        "whereas_fr": whereas_fr,
        "prayer_en": prayer_en,
        "prayer_fr": prayer_fr,
        "sponsor_id": sponsor.pk,
        "sponsor_riding": sponsor.riding,
        "sponsor_caucus_id": sponsor.caucus_id,
        "sponsor_province": sponsor.province,
        "presentation_number": "",
        "presented_on": None,
        "outcome": "",
        "outcome_on": None,
        "_day": day,
        "_minutes": rng.randrange(8 * 60, 18 * 60),
        "_responses": [],
        "_keywords": [],
    }
    total = synthetic.signature_total(rng, petition["kind"])
    if electronic:
        petition["_keywords"] = rng.sample(keywords, rng.randint(0, 4))
        home = synthetic.pick(rng, synthetic.POPULATION_CUMULATIVE, synthetic.PROVINCES)
        petition["petitioner_name"] = (
            f"{rng.choice(synthetic.FIRST_NAMES)} {rng.choice(synthetic.LAST_NAMES)}"
        )
        petition["petitioner_city"] = rng.choice(synthetic.CITIES[home])
        petition["petitioner_province"] = home
        if day < synthetic.FLEXIBLE_WINDOWS_SINCE:
            length = 120
        else:
            length = rng.choice((30, 60, 60, 90, 120, 120, 120))
        opens = synthetic.local_datetime(day, petition["_minutes"])
        closes_day = day + datetime.timedelta(days=length)
        petition["_opens_at"] = opens
        petition["_closes_at"] = synthetic.local_datetime(closes_day, petition["_minutes"])
        if closes_day >= as_of:
            # Still open: the count so far.
            share = max((as_of - day).days, 1) / length
            total = int(total * share)
        else:
            decided = closes_day + datetime.timedelta(days=rng.randint(1, 6))
            if dissolved and decided > session.ended_on:
                petition["outcome"] = "closed_on_dissolution"
                petition["outcome_on"] = session.ended_on
            elif decided <= as_of:
                certified = total >= synthetic.SIGNATURES_TO_CERTIFY
                petition["outcome"] = "certified" if certified else "not_certified"
                petition["outcome_on"] = decided
                if certified:
                    petition["presented_on"] = decided + datetime.timedelta(days=rng.randint(5, 50))
        petition["signature_count"] = total
        petition["_counts"] = synthetic.split_signatures(rng, total, home) if total else {}
    else:
        petition["outcome"] = "certified"
        petition["presented_on"] = day
        petition["signature_count"] = total
        if rng.random() < 0.25:
            petition["_keywords"] = rng.sample(keywords, rng.randint(1, 2))
    presented_on = petition["presented_on"]
    if presented_on and (presented_on > end) and (dissolved or presented_on > as_of):
        petition["presented_on"] = None
        if dissolved:
            petition["outcome"] = "closed_on_dissolution"
            petition["outcome_on"] = max(
                session.ended_on, petition["outcome_on"] or session.ended_on
            )
        presented_on = None
    if presented_on:
        presenter = sponsor if rng.random() < 0.85 else rng.choice(members)
        petition["presenter_id"] = presenter.pk
        petition["presenter_riding"] = presenter.riding
        tabled_on = presented_on + datetime.timedelta(days=synthetic.response_delay(rng))
        if tabled_on <= as_of and rng.random() < 0.96:
            ministry = rng.choice(ministries)
            petition["_responses"].append(
                _response_row(rng, 1, ministry, tabled_on, session, topic, synthetic)
            )
            if rng.random() < 0.03:
                other = rng.choice(ministries)
                later = tabled_on + datetime.timedelta(days=rng.randint(0, 20))
                petition["_responses"].append(
                    _response_row(rng, 2, other, later, session, topic, synthetic)
                )
    return petition


def _response_row(rng, position, ministry, tabled_on, session, topic, synthetic):
    variant = rng.getrandbits(16)
    text_en, text_fr = synthetic.response_text(
        variant, topic.name_en, ministry.title_en, ministry.title_fr or ministry.title_en
    )
    return {
        "position": position,
        "ministry_id": ministry.pk,
        "signed_by": f"{rng.choice(synthetic.FIRST_NAMES)} {rng.choice(synthetic.LAST_NAMES)}",
        "tabled_on": tabled_on,
        # The House numbers responses as sessional papers 8545-<session>-<n>-<nn>.
        "sessional_paper_number": f"8545-{session.code}-{rng.randint(1, 99)}-{rng.randint(1, 99)}",
        "text_en": text_en,
        "text_fr": text_fr,
    }
