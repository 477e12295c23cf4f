"""The API's documentation page, in the site's frame and in the page's language: each
endpoint, its parameters, the fields of what it returns with their descriptions, and
example addresses, read from the OpenAPI schema that drf-spectacular generates for
/api/schema/, so that the page and the schema cannot drift apart. No script: a page a
screen reader, a phone and a page without JavaScript read alike."""

import functools

from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator

from petitions.api import ERROR_RESPONSES, MAX_API_PAGE_SIZE
from petitions.cache import cached_page

# What each endpoint answers, said for a reader (the schema's descriptions are the views'
# docstrings, in English only).
OPERATIONS = {
    "petitions_list": _(
        "Petitions, a page at a time, filtered and sorted with the same query string as "
        "the petition list, its exports and its feeds."
    ),
    "petitions_retrieve": _(
        "One petition's whole record: texts, window, counts by province and responses. "
        "A presentation number or a corrected number redirects to the petition."
    ),
    "petitions_signatures_list": _(
        "One petition's signature counts over time, oldest first, with the counts by "
        "province: one for each import or clerk's edit that changed them, so only as "
        "dense as the imports."
    ),
    "petitions_changes_list": _(
        "Every change to one petition's public facts, texts and responses, newest first: "
        "each field before and after, and the source (a file's name or the Clerk's office)."
    ),
    "members_list": _("Members of Parliament; q finds one by name or riding, typos forgiven."),
    "members_retrieve": _(
        "One Member of Parliament and the petitions they sponsored and presented."
    ),
    "ministries_list": _("Ministries, the petitions addressed to them and their response times."),
    "ministries_retrieve": _("One ministry and its response times."),
    "sessions_list": _("Parliaments and sessions; a session's code is the session filter."),
    "stats_retrieve": _(
        "The figures of the statistics page for the petitions the query string selects."
    ),
}
EXAMPLES = {
    "petitions_list": [
        "/api/petitions/?status=open&sort=signatures",
        "/api/petitions/?ministry=minister-of-public-safety&session=441&responded=yes",
        "/api/petitions/?q=climate&presented_after=2023-01-01&page_size=100",
    ],
    "petitions_retrieve": ["/api/petitions/e-4172/", "/api/petitions/441-01184/"],
    "petitions_signatures_list": ["/api/petitions/e-4649/signatures/"],
    "petitions_changes_list": ["/api/petitions/e-4649/changes/"],
    "members_list": ["/api/members/?q=lantsman"],
    "members_retrieve": ["/api/members/melissa-lantsman/"],
    "ministries_list": ["/api/ministries/"],
    "ministries_retrieve": ["/api/ministries/minister-of-public-safety/"],
    "sessions_list": ["/api/sessions/"],
    "stats_retrieve": ["/api/stats/?session=441", "/api/stats/?topic=public-safety"],
}
# The records' own descriptions (the schema's are the serializers' docstrings).
RECORDS = {
    "Petition": _("A petition as the list gives it."),
    "PetitionDetail": _("The whole record of one petition."),
    "Names": _("A name in English and French, and its stable identifier."),
    "MinistryRef": _("A ministry: its title in English and French, and its identifier."),
    "MemberRef": _("A Member of Parliament as a petition names them."),
    "Caucus": _("A party, as the House names its caucus."),
    "Window": _("The signing period of an e-petition."),
    "SignatureSnapshot": _("A petition's counts as one import or edit found them."),
    "PetitionChange": _("One change to a petition's public record."),
    "ChangedField": _("A field a change changed, before and after."),
    "Response": _("A government response."),
    "Member": _("A Member of Parliament and their petitions."),
    "Ministry": _("A ministry and its response times."),
    "Session": _("A Parliament's session."),
    "Stats": _("The statistics of the petitions a filter keeps."),
    "Totals": _("Counts and signatures of the petitions the filter keeps."),
}
WHERE = {"query": _("query string"), "path": _("address")}


def _ref_name(schema):
    """The component a schema points to, through allOf when it is nullable."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    for part in schema.get("allOf", ()):
        if "$ref" in part:
            return part["$ref"].rsplit("/", 1)[1]
    return None


def _type(schema, components):
    """(type in words, the record it names or None)."""
    if "oneOf" in schema:  # a choice that may be blank: the choice's type
        return _type(schema["oneOf"][0], components)
    name = _ref_name(schema)
    if name:
        if "enum" in components.get(name, {}):
            return components[name].get("type", "string"), None
        return name, name
    kind = schema.get("type", "object")
    if kind == "array":
        item, record = _type(schema.get("items", {}), components)
        return f"[{item}]", record
    if kind == "object" and "additionalProperties" in schema:
        value, record = _type(schema["additionalProperties"], components)
        return f"{{…: {value}}}", record
    form = schema.get("format")
    return f"{kind} ({form})" if form else kind, None


def _first_paragraph(text):
    # drf-spectacular appends the choices' labels after a blank line; the values are
    # listed apart.
    return str(text or "").split("\n\n", 1)[0].strip()


def _parameter(parameter):
    schema = parameter.get("schema", {})
    values = schema.get("enum") or schema.get("items", {}).get("enum") or []
    kind = schema.get("type", "string")
    if kind == "array":
        kind = f"[{schema.get('items', {}).get('type', 'string')}]"
    elif schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    return {
        "name": parameter["name"],
        "where": WHERE.get(parameter["in"], parameter["in"]),
        "required": parameter.get("required", False),
        "type": kind,
        "values": [str(value) for value in values if value != ""],
        "description": _first_paragraph(parameter.get("description")),
    }


def _record(name, components):
    schema = components[name]
    fields = []
    for field, spec in schema.get("properties", {}).items():
        kind, record = _type(spec, components)
        fields.append(
            {
                "name": field,
                "type": kind,
                "record": record,
                "nullable": spec.get("nullable", False),
                "description": str(spec.get("description", "")),
            }
        )
    return {"name": name, "description": RECORDS.get(name, ""), "fields": fields}


def _returns(operation, components):
    """(record name, whether a page of them)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    name = _ref_name(schema)
    if name and name.startswith("Paginated"):
        return _ref_name(components[name]["properties"]["results"]["items"]), True
    return name, False


@functools.lru_cache(maxsize=4)
def reference(language):
    """The endpoints and records of the schema, its texts in `language`: built once per
    process and language (the schema depends on the code alone)."""
    with translation.override(language):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        components = schema.get("components", {}).get("schemas", {})
        endpoints, used = [], []
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                identifier = operation["operationId"]
                if identifier not in OPERATIONS:
                    continue  # the schema itself
                record, paged = _returns(operation, components)
                endpoints.append(
                    {
                        "id": identifier.replace("_", "-"),
                        "method": method.upper(),
                        "path": path,
                        "description": str(OPERATIONS[identifier]),
                        "examples": EXAMPLES.get(identifier, []),
                        "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                        "record": record,
                        "paged": paged,
                    }
                )
                if record:
                    used.append(record)
        order = list(OPERATIONS)
        endpoints.sort(key=lambda endpoint: order.index(endpoint["id"].replace("-", "_")))
        records, seen = [], set()
        while used:
            name = used.pop(0)
            if name in seen or name not in components or "enum" in components[name]:
                continue
            seen.add(name)
            record = _record(name, components)
            records.append(record)
            used.extend(field["record"] for field in record["fields"] if field["record"])
        errors = [(status, str(text)) for status, text in ERROR_RESPONSES.items()]
        return {"endpoints": endpoints, "records": records, "errors": errors}


@cached_page
def api_docs(request):
    """/api/docs/ and /fr/api/docs/."""
    context = {
        **reference(translation.get_language()),
        "max_page_size": MAX_API_PAGE_SIZE,
    }
    return render(request, "petitions/api_docs.html", context)
