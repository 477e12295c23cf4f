"""Synthetic petitions shaped like the House's, for demos and tests at scale.

Deterministic: the same seed, the same starting database and the same "as of" date
give the same rows. The shapes follow the House: about five paper petitions for every
e-petition (e-petitions only since December 3, 2015), e-petition windows of 120 days
before January 28, 2019 and 30/60/90/120 days after, heavy-tailed signature counts
split across provinces roughly by population, certification within days of closing,
presentation a few weeks later, responses mostly within 45 days with a late tail, and
English and French text for everything.
"""

import datetime

from petitions.house.dates import OTTAWA

E_PETITIONS_BEGAN = datetime.date(2015, 12, 3)
FLEXIBLE_WINDOWS_SINCE = datetime.date(2019, 1, 28)
SIGNATURES_TO_CERTIFY = 500
MAX_SEQUENCE = 99_999  # PPS-NNNNN: five digits a session

# 2021 census.
POPULATION = {
    "AB": 4262635,
    "BC": 5000879,
    "MB": 1342153,
    "NB": 775610,
    "NL": 510550,
    "NT": 41070,
    "NS": 969383,
    "NU": 36858,
    "ON": 14223942,
    "PE": 154331,
    "QC": 8501833,
    "SK": 1132505,
    "YT": 40232,
}
PROVINCES = list(POPULATION)

# Sessions before e-petitions, for demo databases bigger than the recent sessions'
# five-digit presentation numbers can hold: (parliament, session, start, end).
EARLIER_SESSIONS = [
    (41, 1, datetime.date(2011, 6, 2), datetime.date(2013, 9, 13)),
    (40, 3, datetime.date(2010, 3, 3), datetime.date(2011, 3, 26)),
    (40, 2, datetime.date(2009, 1, 26), datetime.date(2009, 12, 30)),
    (39, 2, datetime.date(2007, 10, 16), datetime.date(2008, 9, 7)),
    (39, 1, datetime.date(2006, 4, 3), datetime.date(2007, 9, 14)),
    (38, 1, datetime.date(2004, 10, 4), datetime.date(2005, 11, 29)),
    (37, 3, datetime.date(2004, 2, 2), datetime.date(2004, 5, 23)),
    (37, 2, datetime.date(2002, 9, 30), datetime.date(2003, 11, 12)),
    (37, 1, datetime.date(2001, 1, 29), datetime.date(2002, 9, 16)),
    (36, 2, datetime.date(1999, 10, 12), datetime.date(2000, 10, 22)),
    (36, 1, datetime.date(1997, 9, 22), datetime.date(1999, 9, 18)),
]

CAUCUS_SHARES = {
    "Liberal": 0.44,
    "Conservative": 0.36,
    "Bloc Québécois": 0.09,
    "NDP": 0.08,
    "Green Party": 0.015,
    "Independent": 0.015,
}

FIRST_NAMES = [
    "Alexandre",
    "Amélie",
    "Amrit",
    "Anita",
    "Brian",
    "Camille",
    "Catherine",
    "Chantal",
    "Daniel",
    "David",
    "Deepa",
    "Élise",
    "Emily",
    "Francis",
    "Gabriel",
    "Geneviève",
    "Harjit",
    "Isabelle",
    "Jagmeet",
    "James",
    "Jean-Luc",
    "Jenny",
    "John",
    "Julie",
    "Karine",
    "Kevin",
    "Laila",
    "Louis",
    "Marc",
    "Marie",
    "Martin",
    "Melissa",
    "Michael",
    "Mona",
    "Nathalie",
    "Omar",
    "Pam",
    "Patrick",
    "Pierre",
    "Rachel",
    "Randeep",
    "Robert",
    "Sarah",
    "Sébastien",
    "Simon",
    "Sonia",
    "Steven",
    "Sylvie",
    "Tracy",
    "Vincent",
    "Yasmin",
]
LAST_NAMES = [
    "Anand",
    "Arseneault",
    "Bains",
    "Baker",
    "Beaulieu",
    "Bergeron",
    "Blaikie",
    "Boucher",
    "Brunelle",
    "Campbell",
    "Chen",
    "Chong",
    "Côté",
    "Dhaliwal",
    "Doherty",
    "Dubé",
    "Dufresne",
    "Fortin",
    "Fraser",
    "Gagnon",
    "Gill",
    "Gladu",
    "Gourde",
    "Gray",
    "Hallan",
    "Hussen",
    "Joly",
    "Khalid",
    "Kwan",
    "Lalonde",
    "Lapointe",
    "Leblanc",
    "Lemire",
    "Lévesque",
    "Lewis",
    "MacDonald",
    "MacKinnon",
    "Martel",
    "McLean",
    "Morrison",
    "Nguyen",
    "Ouellet",
    "Patel",
    "Pelletier",
    "Richards",
    "Robillard",
    "Roy",
    "Sahota",
    "Savard",
    "Scheer",
    "Sidhu",
    "Singh",
    "Smith",
    "Tremblay",
    "Vandenbeld",
    "Virani",
    "Wilkinson",
    "Williams",
    "Wong",
    "Zahid",
]
CITIES = {
    "AB": ["Calgary", "Edmonton", "Red Deer", "Lethbridge", "Medicine Hat"],
    "BC": ["Vancouver", "Victoria", "Surrey", "Kelowna", "Kamloops", "Nanaimo"],
    "MB": ["Winnipeg", "Brandon", "Steinbach", "Thompson"],
    "NB": ["Moncton", "Saint John", "Fredericton", "Bathurst"],
    "NL": ["St. John's", "Corner Brook", "Gander"],
    "NT": ["Yellowknife", "Inuvik"],
    "NS": ["Halifax", "Sydney", "Truro", "Dartmouth"],
    "NU": ["Iqaluit", "Rankin Inlet"],
    "ON": ["Toronto", "Ottawa", "Mississauga", "Hamilton", "London", "Sudbury", "Kingston"],
    "PE": ["Charlottetown", "Summerside"],
    "QC": ["Montréal", "Québec", "Gatineau", "Sherbrooke", "Saguenay", "Trois-Rivières"],
    "SK": ["Saskatoon", "Regina", "Prince Albert", "Moose Jaw"],
    "YT": ["Whitehorse", "Dawson City"],
}
RIDING_SUFFIXES = ["Centre", "East", "West", "North", "South", "—Rural", "—Lakes", "—Valley"]

# What each reference topic is about, in both languages, and what petitioners ask.
SUBJECTS = {
    "Public safety": (
        "public safety",
        "la sécurité publique",
        "strengthen community policing",
        "renforcer la police de proximité",
    ),
    "Justice": (
        "the justice system",
        "le système de justice",
        "reduce delays in criminal courts",
        "réduire les délais devant les tribunaux criminels",
    ),
    "Health": (
        "health",
        "la santé",
        "fund more family doctors",
        "financer davantage de médecins de famille",
    ),
    "Health care services": (
        "health care services",
        "les services de santé",
        "cover prescription drugs for all",
        "couvrir les médicaments d'ordonnance pour tous",
    ),
    "Foreign affairs": (
        "foreign affairs",
        "les affaires étrangères",
        "defend human rights abroad",
        "défendre les droits de la personne à l'étranger",
    ),
    "Foreign policy": (
        "foreign policy",
        "la politique étrangère",
        "review its arms export permits",
        "revoir ses licences d'exportation d'armes",
    ),
    "Environment": (
        "the environment",
        "l'environnement",
        "protect wetlands and old-growth forests",
        "protéger les milieux humides et les forêts anciennes",
    ),
    "Environmental pollution": (
        "pollution",
        "la pollution",
        "ban single-use plastics",
        "interdire les plastiques à usage unique",
    ),
    "Citizenship and immigration": (
        "citizenship and immigration",
        "la citoyenneté et l'immigration",
        "shorten processing times for families",
        "réduire les délais de traitement pour les familles",
    ),
    "Immigration": (
        "immigration",
        "l'immigration",
        "open a pathway to permanent residence",
        "ouvrir une voie vers la résidence permanente",
    ),
    "Issuance of visas": (
        "visas",
        "les visas",
        "speed up visitor visas for relatives",
        "accélérer les visas de visiteur pour les proches",
    ),
    "Firearms": (
        "firearms",
        "les armes à feu",
        "respect the rights of lawful owners",
        "respecter les droits des propriétaires légitimes",
    ),
    "Veterans' affairs": (
        "veterans",
        "les anciens combattants",
        "end the backlog of disability claims",
        "éliminer l'arriéré des demandes d'invalidité",
    ),
    "Democratic process": (
        "our democracy",
        "notre démocratie",
        "reform the electoral system",
        "réformer le mode de scrutin",
    ),
    "Taxation": (
        "taxation",
        "la fiscalité",
        "simplify the tax system",
        "simplifier le régime fiscal",
    ),
    "Civil and human rights": (
        "civil rights",
        "les droits civils",
        "protect freedom of expression",
        "protéger la liberté d'expression",
    ),
    "Housing policy": (
        "housing",
        "le logement",
        "build more affordable housing",
        "construire plus de logements abordables",
    ),
    "Employment and labour": (
        "work and employment",
        "le travail et l'emploi",
        "extend employment insurance benefits",
        "prolonger les prestations d'assurance-emploi",
    ),
    "National day": (
        "remembrance",
        "la commémoration",
        "designate a national day of remembrance",
        "désigner une journée nationale de commémoration",
    ),
    "Canadian heritage": (
        "our heritage",
        "notre patrimoine",
        "fund local museums and archives",
        "financer les musées et archives locaux",
    ),
    "Indigenous affairs": (
        "Indigenous rights",
        "les droits des Autochtones",
        "provide clean drinking water in every community",
        "fournir de l'eau potable dans chaque communauté",
    ),
    "Social affairs and equality": (
        "equality",
        "l'égalité",
        "raise the Canada Child Benefit",
        "bonifier l'Allocation canadienne pour enfants",
    ),
}
GENERIC_SUBJECT = ("this issue", "cette question", "act without delay", "agir sans tarder")

WHEREAS = [
    (
        "Canadians in every province are concerned about {s};",
        "Les Canadiens de toutes les provinces se préoccupent de {s};",
    ),
    (
        "Current federal policy on {s} does not meet the needs of families;",
        "La politique fédérale actuelle sur {s} ne répond pas aux besoins des familles;",
    ),
    (
        "Experts have warned that inaction on {s} will cost more in the long run;",
        "Les experts préviennent que l'inaction sur {s} coûtera plus cher à long terme;",
    ),
    (
        "Communities across Canada have asked for federal leadership on {s};",
        "Des collectivités partout au Canada réclament un leadership fédéral sur {s};",
    ),
    (
        "Other countries have shown that better policy on {s} is possible; and",
        "D'autres pays ont montré qu'une meilleure politique sur {s} est possible;",
    ),
    (
        "The people most affected by {s} are often the least heard.",
        "Les personnes les plus touchées par {s} sont souvent les moins entendues.",
    ),
    (
        "Rural and northern residents face particular barriers related to {s};",
        "Les résidents des régions rurales et du Nord font face à des obstacles particuliers "
        "liés à {s};",
    ),
    (
        "Public consultations have shown broad support for change on {s}.",
        "Les consultations publiques montrent un large appui à un changement sur {s}.",
    ),
]
PRAYERS = [
    (
        "We, the undersigned, citizens and residents of Canada, call upon the {a} to {x}.",
        "Nous, soussignés, citoyens et résidents du Canada, prions le {a} de {x}.",
    ),
    (
        "We, the undersigned, residents of Canada, call upon the {a} to {x} and to report to "
        "Parliament on its progress.",
        "Nous, soussignés, résidents du Canada, demandons au {a} de {x} et de faire rapport au "
        "Parlement de ses progrès.",
    ),
    (
        "Therefore, we, the undersigned, call upon the {a} to {x} within one year.",
        "Par conséquent, nous, soussignés, demandons au {a} de {x} d'ici un an.",
    ),
]
ADDRESSEES = {
    "house": ("House of Commons", "Chambre des communes"),
    "government": ("Government of Canada", "gouvernement du Canada"),
    "prime_minister": ("Prime Minister", "premier ministre"),
}
RESPONSES = [
    (
        "The Government of Canada thanks the petitioners for raising {s}.",
        "Le gouvernement du Canada remercie les pétitionnaires de soulever la question de {s}.",
    ),
    (
        "Since 2016 the government has invested in programs that address {s}, in partnership "
        "with provinces, territories and Indigenous partners.",
        "Depuis 2016, le gouvernement investit dans des programmes qui portent sur {s}, en "
        "partenariat avec les provinces, les territoires et les partenaires autochtones.",
    ),
    (
        "The {m} continues to consult stakeholders and will consider the petitioners' views as "
        "policy develops.",
        "Le {m} continue de consulter les intervenants et tiendra compte du point de vue des "
        "pétitionnaires.",
    ),
    (
        "Budget measures announced this year include new funding related to {s}.",
        "Les mesures budgétaires annoncées cette année comprennent de nouveaux fonds liés à {s}.",
    ),
    (
        "The government remains committed to evidence-based decisions on {s} and will continue "
        "to report to Parliament.",
        "Le gouvernement demeure résolu à prendre des décisions fondées sur des données "
        "probantes concernant {s} et continuera de faire rapport au Parlement.",
    ),
]
KEYWORD_NAMES = [
    ("Access to information", "Accès à l'information"),
    ("Affordable housing", "Logement abordable"),
    ("Air transportation", "Transport aérien"),
    ("Animal welfare", "Bien-être des animaux"),
    ("Child care", "Garde d'enfants"),
    ("Climate change", "Changements climatiques"),
    ("Criminal Code", "Code criminel"),
    ("Disability benefits", "Prestations d'invalidité"),
    ("Drinking water", "Eau potable"),
    ("Electoral reform", "Réforme électorale"),
    ("Employment insurance", "Assurance-emploi"),
    ("Family reunification", "Réunification familiale"),
    ("Fisheries", "Pêches"),
    ("Food security", "Sécurité alimentaire"),
    ("Foreign interference", "Ingérence étrangère"),
    ("Freedom of expression", "Liberté d'expression"),
    ("Gender equality", "Égalité des genres"),
    ("Health care", "Soins de santé"),
    ("Human rights", "Droits de la personne"),
    ("Income tax", "Impôt sur le revenu"),
    ("Infrastructure", "Infrastructure"),
    ("Long-term care", "Soins de longue durée"),
    ("Mental health", "Santé mentale"),
    ("Official languages", "Langues officielles"),
    ("Pensions", "Pensions"),
    ("Pharmacare", "Assurance-médicaments"),
    ("Plastics", "Plastiques"),
    ("Public transit", "Transport en commun"),
    ("Refugees", "Réfugiés"),
    ("Rural communities", "Collectivités rurales"),
    ("Seniors", "Aînés"),
    ("Small business", "Petites entreprises"),
    ("Student loans", "Prêts étudiants"),
    ("Telecommunications", "Télécommunications"),
    ("Veterans benefits", "Avantages pour les anciens combattants"),
    ("Wildfires", "Feux de forêt"),
]


def cumulative(weights):
    total, running = sum(weights), 0.0
    out = []
    for weight in weights:
        running += weight / total
        out.append(running)
    return out


POPULATION_CUMULATIVE = cumulative(POPULATION.values())


def split_signatures(rng, total, home):
    """A total split across provinces roughly by population, with a pull toward the
    petitioner's home province: {code: count}, only the provinces with signatures."""
    weights = []
    for code in PROVINCES:
        share = POPULATION[code] * rng.uniform(0.4, 1.6)
        if code == home:
            share += 0.25 * sum(POPULATION.values())
        weights.append(share)
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    remainder = total - sum(counts)
    for index in range(remainder):
        counts[PROVINCES.index(home) if index % 2 == 0 else rng.randrange(13)] += 1
    return {code: count for code, count in zip(PROVINCES, counts, strict=True) if count}


def local_datetime(day, minutes):
    """A moment on Ottawa's clock, `minutes` after midnight on `day`."""
    return datetime.datetime.combine(
        day, datetime.time(minutes // 60, minutes % 60), tzinfo=OTTAWA
    ).astimezone(datetime.UTC)


def pick(rng, cumulative_weights, items):
    """An item by cumulative weights (bisect would do; 13 items are few)."""
    roll = rng.random()
    for item, edge in zip(items, cumulative_weights, strict=True):
        if roll <= edge:
            return item
    return items[-1]


def member_names(rng, count, taken_slugs, slugify):
    """`count` Members' (first, last, slug), slugs unique among `taken_slugs`."""
    names = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = slugify(f"{first} {last}")
        slug, suffix = base, 2
        while slug in taken_slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken_slugs.add(slug)
        names.append((first, last, slug))
    return names


def riding_name(rng, province):
    city = rng.choice(CITIES[province])
    return f"{city} {rng.choice(RIDING_SUFFIXES)}".replace(" —", "—")


def signature_total(rng, kind):
    """Heavy-tailed: most petitions gather few signatures, a handful hundreds of
    thousands."""
    if kind == "paper":
        return 25 + int(rng.lognormvariate(3.3, 1.1))
    return min(int(rng.lognormvariate(6.9, 1.5)), 400_000)


def response_delay(rng):
    """Days from presentation to response: mostly just inside the 45 days, a late tail."""
    roll = rng.random()
    if roll < 0.08:
        return rng.randint(10, 29)
    if roll < 0.88:
        return rng.randint(30, 45)
    return 46 + min(int(rng.expovariate(1 / 30)), 300)


def text_for(variant, topic_name, addressee_en, addressee_fr, *, count_whereas):
    """English and French whereas items and prayer, chosen by the bits of `variant`."""
    subject_en, subject_fr, action_en, action_fr = SUBJECTS.get(topic_name, GENERIC_SUBJECT)
    start = variant % len(WHEREAS)
    items = [WHEREAS[(start + step * 3) % len(WHEREAS)] for step in range(count_whereas)]
    prayer_en, prayer_fr = PRAYERS[(variant >> 8) % len(PRAYERS)]
    return (
        "\n".join(item[0].format(s=subject_en) for item in items),
        "\n".join(item[1].format(s=subject_fr) for item in items),
        prayer_en.format(a=addressee_en, x=action_en),
        prayer_fr.format(a=addressee_fr, x=action_fr),
    )


def response_text(variant, topic_name, ministry_en, ministry_fr):
    subject_en, subject_fr, _, _ = SUBJECTS.get(topic_name, GENERIC_SUBJECT)
    count = 2 + variant % 3
    paragraphs = [RESPONSES[0]] + [
        RESPONSES[1 + (variant >> 4 + i) % (len(RESPONSES) - 1)] for i in range(count - 1)
    ]
    english = "\n\n".join(p[0].format(s=subject_en, m=ministry_en) for p in paragraphs)
    french = "\n\n".join(p[1].format(s=subject_fr, m=ministry_fr) for p in paragraphs)
    return english, french
