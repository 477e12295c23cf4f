"""The petition domain: sessions, Members, caucuses, ministries, topics, keywords,
petitions, their signature windows and counts by province, in modules by concern:

- `choices`: the fixed lists (kinds, outcomes, languages, addressees, provinces);
- `rules`: the House's rules that forms and imports check (deadline, windows, words);
- `status`: the one definition of a petition's status;
- `search`: reading search words and typed petition numbers;
- `database`: time limits, statements planned once, SQL functions and lookups;
- `querysets`: the reads that pages, the API, feeds and exports make;
- `related`: the related petitions the database keeps;
- `parliament`, `petition`, `parts`, `history` and `uploads`: the models.

Every name is importable from `petitions.models`. Government responses live in the
`responses` app and are reached from here only through the `responses` relation name.
"""

from petitions.models.choices import (
    PROVINCES,
    AddresseeKind,
    Kind,
    OriginalLanguage,
    Outcome,
    Province,
    in_language,
)
from petitions.models.database import (
    AnyOf,
    DaysBetween,
    Median,
    by_index,
    planned_once,
    time_limit,
)
from petitions.models.history import (
    PetitionChange,
    SignatureSnapshot,
)
from petitions.models.parliament import (
    Caucus,
    Keyword,
    Member,
    Ministry,
    ParliamentarySession,
    Topic,
    session_name,
)
from petitions.models.parts import (
    ExportLine,
    ProvinceSignatureCount,
    SignatureWindow,
    StaleSearchDocument,
)
from petitions.models.petition import (
    FormerNumber,
    Petition,
)
from petitions.models.querysets import (
    EMPTY_RESPONSE_TIMES,
    NEWEST_FIRST,
    OLDEST_FIRST,
    MemberQuerySet,
    PetitionQuerySet,
    ministry_response_times,
    with_response_times,
)
from petitions.models.related import (
    MAX_RELATED,
    RelatedHash,
    RelatedKey,
    RelatedKind,
    RelatedPetition,
    RelatedState,
    related_petitions,
    related_petitions_refresh,
)
from petitions.models.rules import (
    E_PETITION_NUMBER,
    E_PETITION_SIGNATURES_TO_CERTIFY,
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    FIXED_WINDOW_DAYS,
    FLEXIBLE_WINDOWS_SINCE,
    LATEST_DAY,
    LATEST_MOMENT,
    MAX_WORDS,
    PAPER_PETITION_SIGNATURES,
    PRESENTATION_NUMBER,
    RESPONSE_DAYS,
    RESPONSE_TIME,
    WINDOW_DAYS,
    day_errors,
    plausible_day,
    province_count_errors,
    response_deadline,
    response_due_on,
    window_timeline_errors,
    word_count,
)
from petitions.models.search import (
    FEW_MATCHES,
    MAX_MEMBER_MATCHES,
    MAX_SEARCH_TERMS,
    MEMBER_MATCH_SIMILARITY,
    RANK_CANDIDATES,
    SEARCH_CONFIGS,
    SEARCH_TERM,
    computed,
    normalize_petition_number,
    petition_number_readings,
    search_has_terms,
    search_passages,
    search_query,
)
from petitions.models.status import (
    Status,
    status_conditions,
    status_filter,
)
from petitions.models.uploads import (
    PendingUpload,
)

__all__ = [
    "by_index",
    "AddresseeKind",
    "AnyOf",
    "Caucus",
    "DaysBetween",
    "EARLIEST_DAY",
    "EARLIEST_MOMENT",
    "EMPTY_RESPONSE_TIMES",
    "E_PETITION_NUMBER",
    "E_PETITION_SIGNATURES_TO_CERTIFY",
    "ExportLine",
    "FEW_MATCHES",
    "FIXED_WINDOW_DAYS",
    "FLEXIBLE_WINDOWS_SINCE",
    "FormerNumber",
    "Keyword",
    "Kind",
    "LATEST_DAY",
    "LATEST_MOMENT",
    "MAX_MEMBER_MATCHES",
    "MAX_SEARCH_TERMS",
    "MAX_WORDS",
    "MEMBER_MATCH_SIMILARITY",
    "Median",
    "Member",
    "MemberQuerySet",
    "Ministry",
    "NEWEST_FIRST",
    "OLDEST_FIRST",
    "OriginalLanguage",
    "Outcome",
    "PAPER_PETITION_SIGNATURES",
    "PRESENTATION_NUMBER",
    "PROVINCES",
    "ParliamentarySession",
    "PendingUpload",
    "Petition",
    "PetitionChange",
    "PetitionQuerySet",
    "Province",
    "ProvinceSignatureCount",
    "RANK_CANDIDATES",
    "MAX_RELATED",
    "RESPONSE_DAYS",
    "RelatedHash",
    "RelatedKey",
    "RelatedKind",
    "RelatedPetition",
    "RelatedState",
    "RESPONSE_TIME",
    "SEARCH_CONFIGS",
    "SEARCH_TERM",
    "SignatureSnapshot",
    "SignatureWindow",
    "StaleSearchDocument",
    "Status",
    "Topic",
    "WINDOW_DAYS",
    "day_errors",
    "in_language",
    "with_response_times",
    "computed",
    "ministry_response_times",
    "normalize_petition_number",
    "petition_number_readings",
    "planned_once",
    "plausible_day",
    "province_count_errors",
    "related_petitions",
    "related_petitions_refresh",
    "response_deadline",
    "response_due_on",
    "search_has_terms",
    "search_passages",
    "search_query",
    "session_name",
    "status_conditions",
    "status_filter",
    "time_limit",
    "window_timeline_errors",
    "word_count",
]
