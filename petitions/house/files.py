"""Which format a file is in, and its records: the House's XML export, or this
project's JSON or CSV export. Shared by `import_petitions` and the admin's upload."""

import io

from petitions.exports.codecs import read_csv, read_json
from petitions.house.xml import read_xml

FORMATS = ("xml", "json", "csv")


def file_format(name, stream):
    """The format by the name's ending, else by the first bytes of the binary `stream`
    (which is rewound)."""
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if suffix in FORMATS:
        return suffix
    start = stream.read(64).lstrip()
    stream.seek(0)
    if start.startswith(b"<"):
        return "xml"
    if start[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def read_records(kind, raw, unknown):
    """(position, record) pairs of the binary stream `raw` in format `kind`; `unknown`
    collects the XML elements this reader does not know."""
    if kind == "xml":
        return read_xml(raw, unknown)
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")
    return read_json(text) if kind == "json" else read_csv(text)
