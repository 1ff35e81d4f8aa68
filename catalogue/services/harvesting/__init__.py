"""The harvester: read SOURCES.yaml, fetch each publiccode.yml politely, import it, record it.

``flask --app app catalogue harvest [--dry-run] [--json] SOURCES.yaml`` calls :func:`run`.
Each source is fetched (catalogue/harvest_fetch.py), then imported with the one importer
(:func:`catalogue.services.importing.import_publiccode`) in its own transaction, so a failing
source fails alone. Nothing is deleted: a file that disappeared marks its source
"niet meer gevonden sinds <datum>". Every run leaves a :class:`HarvestRun`; a second run while one
holds the :class:`HarvestLock` refuses.

The package, by responsibility:

- ``sources``: SOURCES.yaml, the statuses and the result of one source;
- ``store``: one fetched file imported and remembered on its source (``harvest_fetched``);
- ``runs``: a run (``run``) and the lock that keeps runs apart;
- ``registry``: a maintainer registers a source; what the pages read.

Callers use the names below (``harvesting.run``). The modules import each other's underscore
names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.harvest_fetch import UnsafeURL
from catalogue.services.harvesting.registry import (
    latest_runs,
    list_sources,
    register_source,
    sources_of,
    status_counts,
)
from catalogue.services.harvesting.runs import LOCK_NAME, acquire_lock, release_lock, run
from catalogue.services.harvesting.sources import (
    CREATED,
    FAILED,
    GONE,
    SOURCE_KEYS,
    STATUSES,
    UNCHANGED,
    UPDATED,
    SourceResult,
    SourceSpec,
    issue,
    read_sources,
)
from catalogue.services.harvesting.store import Settings, harvest_fetched

__all__ = [
    "CREATED",
    "FAILED",
    "GONE",
    "LOCK_NAME",
    "SOURCE_KEYS",
    "STATUSES",
    "UNCHANGED",
    "UPDATED",
    "Settings",
    "SourceResult",
    "SourceSpec",
    "UnsafeURL",
    "acquire_lock",
    "harvest_fetched",
    "issue",
    "latest_runs",
    "list_sources",
    "read_sources",
    "register_source",
    "release_lock",
    "run",
    "sources_of",
    "status_counts",
]
