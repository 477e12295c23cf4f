"""Reference facts every archive needs before its first petition: the House's sessions
with their real dates, its caucuses and their spellings, common ministerial titles and
topics, in English and French. (Provinces and territories are choices in the models.)

Made by a data migration on a new database, and again by `load_demo` and the tests
after a `flush` (which keeps nothing). Rows keep the keys they are listed under when
those are free, so data that refers to them by key (fixtures/sample_petitions.json)
still finds them after a flush.
"""

import datetime

from django.core.management.color import no_style
from django.db import connections
from django.utils.text import slugify

# parliament, session, started on, ended on (prorogation or dissolution): the House's
# dates, not those of the first petitions a file happens to hold.
SESSIONS = [
    (41, 2, "2013-10-16", "2015-08-02"),
    (42, 1, "2015-12-03", "2019-09-11"),
    (43, 1, "2019-12-05", "2020-08-18"),
    (43, 2, "2020-09-23", "2021-08-15"),
    (44, 1, "2021-11-22", "2025-01-06"),
    (45, 1, "2025-05-26", None),
]
CAUCUSES = [
    (
        "Liberal",
        "Liberal Caucus",
        "Caucus libéral",
        ["Liberal", "Liberal Caucus", "Caucus Libéral", "Lib."],
    ),
    (
        "Conservative",
        "Conservative Caucus",
        "Caucus conservateur",
        ["Conservative", "Conservative Caucus", "Caucus conservateur", "CPC"],
    ),
    (
        "Bloc Québécois",
        "Bloc Québécois Caucus",
        "Caucus du Bloc Québécois",
        ["Bloc Québécois", "Bloc Québécois Caucus", "BQ"],
    ),
    (
        "NDP",
        "New Democratic Party Caucus",
        "Caucus du Nouveau Parti démocratique",
        ["NDP", "New Democratic Party Caucus", "NPD"],
    ),
    (
        "Green Party",
        "Green Party Caucus",
        "Caucus du Parti vert",
        ["Green Party", "Green Party Caucus", "GP"],
    ),
    ("Independent", "Independent", "Indépendant", ["Independent", "Ind."]),
]
MINISTRIES = [
    ("Prime Minister", "premier ministre"),
    ("Minister of Public Safety", "ministre de la Sécurité publique"),
    ("Minister of Foreign Affairs", "ministre des Affaires étrangères"),
    ("Minister of Health", "ministre de la Santé"),
    ("Minister of Finance", "ministre des Finances"),
    (
        "Minister of Justice and Attorney General of Canada",
        "ministre de la Justice et procureur général du Canada",
    ),
    (
        "Minister of Immigration, Refugees and Citizenship",
        "ministre de l'Immigration, des Réfugiés et de la Citoyenneté",
    ),
    (
        "Minister of Environment and Climate Change",
        "ministre de l'Environnement et du Changement climatique",
    ),
    ("Minister of National Defence", "ministre de la Défense nationale"),
    ("Minister of Veterans Affairs", "ministre des Anciens Combattants"),
    ("Minister of Canadian Heritage", "ministre du Patrimoine canadien"),
    ("Minister of Crown-Indigenous Relations", "ministre des Relations Couronne-Autochtones"),
    ("Minister of Indigenous Services", "ministre des Services aux Autochtones"),
    ("Minister of Agriculture and Agri-Food", "ministre de l'Agriculture et de l'Agroalimentaire"),
    ("Minister of Transport", "ministre des Transports"),
    (
        "Minister of Fisheries, Oceans and the Canadian Coast Guard",
        "ministre des Pêches, des Océans et de la Garde côtière canadienne",
    ),
    ("Minister of Natural Resources", "ministre des Ressources naturelles"),
    (
        "Minister of Innovation, Science and Industry",
        "ministre de l'Innovation, des Sciences et de l'Industrie",
    ),
    ("Minister of International Development", "ministre du Développement international"),
    (
        "Minister of Families, Children and Social Development",
        "ministre de la Famille, des Enfants et du Développement social",
    ),
    (
        "Minister of Employment, Workforce Development and Official Languages",
        "ministre de l'Emploi, du Développement de la main-d'œuvre et des Langues officielles",
    ),
    (
        "Minister of Housing, Infrastructure and Communities",
        "ministre du Logement, de l'Infrastructure et des Collectivités",
    ),
    ("President of the Treasury Board", "président du Conseil du Trésor"),
    ("Minister of Labour", "ministre du Travail"),
]
TOPICS = [
    ("Public safety", "Sécurité publique"),
    ("Justice", "Justice"),
    ("Health", "Santé"),
    ("Health care services", "Services de santé"),
    ("Foreign affairs", "Affaires étrangères"),
    ("Foreign policy", "Politique étrangère"),
    ("Environment", "Environnement"),
    ("Environmental pollution", "Pollution de l'environnement"),
    ("Citizenship and immigration", "Citoyenneté et immigration"),
    ("Immigration", "Immigration"),
    ("Issuance of visas", "Délivrance de visas"),
    ("Firearms", "Armes à feu"),
    ("Veterans' affairs", "Anciens combattants"),
    ("Democratic process", "Processus démocratique"),
    ("Taxation", "Fiscalité"),
    ("Civil and human rights", "Droits civils et droits de la personne"),
    ("Housing policy", "Politique du logement"),
    ("Employment and labour", "Emploi et travail"),
    ("National day", "Journée nationale"),
    ("Canadian heritage", "Patrimoine canadien"),
    ("Indigenous affairs", "Affaires autochtones"),
    ("Social affairs and equality", "Affaires sociales et égalité"),
]


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


def _make(model, rows, using):
    """Each of `rows` ((key, fields) pairs, key a dict that names one row) that is missing,
    under the key it is listed at when that key is free; returns how many were made."""
    made = 0
    taken = set(model.objects.using(using).values_list("pk", flat=True))
    for pk, (key, fields) in enumerate(rows, start=1):
        rows_of = model.objects.using(using)
        if rows_of.filter(**key).exists():
            continue
        if "slug" in fields and rows_of.filter(slug=fields["slug"]).exists():
            continue  # the same thing under another spelling: a clerk's to reconcile
        row = model(**key, **fields)
        if pk not in taken:
            row.pk = pk
        row.save(using=using)
        made += 1
    if made:
        connection = connections[using]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    return made


def reference_make(apps, using="default"):
    """The reference rows that are missing; `apps` is a migration's app registry or
    django.apps.apps. A listed session keeps the House's dates: one that an import made
    from its petitions' dates is corrected."""
    Session = apps.get_model("petitions", "ParliamentarySession")
    Caucus = apps.get_model("petitions", "Caucus")
    Ministry = apps.get_model("petitions", "Ministry")
    Topic = apps.get_model("petitions", "Topic")
    sessions = [
        (
            {"parliament": parliament, "session": session},
            {"started_on": _day(started), "ended_on": _day(ended)},
        )
        for parliament, session, started, ended in SESSIONS
    ]
    _make(Session, sessions, using)
    for key, fields in sessions:
        dates = {name: day for name, day in fields.items() if day is not None}
        Session.objects.using(using).filter(**key).update(**dates)
    _make(
        Caucus,
        [
            (
                {"short_name": short},
                {"name_en": en, "name_fr": fr, "aliases": aliases, "slug": slugify(short)},
            )
            for short, en, fr, aliases in CAUCUSES
        ],
        using,
    )
    _make(
        Ministry,
        [({"title_en": en}, {"title_fr": fr, "slug": slugify(en)}) for en, fr in MINISTRIES],
        using,
    )
    _make(
        Topic,
        [({"name_en": en}, {"name_fr": fr, "slug": slugify(en)}) for en, fr in TOPICS],
        using,
    )
