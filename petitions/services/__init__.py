"""Writes across the petition models.

- `petition_import` loads the records one file yields (see petitions/house/), all or
  nothing; `petition_upsert` writes one record, checked by the models' own rules and
  kept in the petition's history.
- `demo_petitions_seed` fills a database with synthetic petitions at any size.
"""

from petitions.services.demo import SeedReport, demo_petitions_seed
from petitions.services.imports import ImportReport, Rejection, petition_import, petition_upsert
from petitions.services.lookups import Lookups, RecordInvalid

__all__ = [
    "ImportReport",
    "Lookups",
    "RecordInvalid",
    "Rejection",
    "SeedReport",
    "demo_petitions_seed",
    "petition_import",
    "petition_upsert",
]
