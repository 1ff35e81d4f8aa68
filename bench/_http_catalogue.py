"""Grow a seeded catalogue with synthetic components, for bench/http.sh at 10,000 components.

    python bench/_http_catalogue.py sqlite:////tmp/x/catalogue.db --total 10000

The database must be migrated and seeded (``flask catalogue seed``): the real components stay
as they are (``/componenten/open-zaak`` keeps existing), and synthetic components are added
until the catalogue holds ``--total``. Nothing is removed; a catalogue that already holds
``--total`` or more is left alone. Build the search index afterwards (``flask catalogue
reindex``).

What a synthetic component is made of
    bench/search.py's ``synthetic_documents`` over ``load_material``: names, sentences and
    features of the real components, GEMMA's reference components, standards and application
    services, the organisations and the municipalities, all from data/. Each document becomes
    real rows through the project's models: a ``Component`` with its licence, development
    status, maintenance type, Common Ground layer, technology platform, hosting models and
    maintaining organisation; a ``ComponentDescription`` per language; a ``Realisation`` per
    GEMMA reference component; a ``ComponentStandard`` per GEMMA standard; a ``Usage`` per
    municipality. Nothing else is filled in: version, release date, logo, platforms,
    categories, offers, contractors and contacts stay unknown. Every row says where it came
    from: its source names this script, and its URL lies under the reserved ``.invalid`` domain.

Derived state
    The rows are written through ORM sessions with the project's own session hooks installed
    (catalogue.services.state raises the catalogue's generation, catalogue.search.sync writes
    the search outbox), so the database is exactly as after any other write; ``catalogue
    reindex`` then indexes every component and clears the outbox it covered.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from search import load_material, synthetic_documents  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from catalogue.db import Database  # noqa: E402
from catalogue.models import (  # noqa: E402
    Component,
    ComponentDescription,
    ComponentStandard,
    GemmaElement,
    GemmaKind,
    HostingModel,
    Organisation,
    OrganisationKind,
    Realisation,
    RealisationBasis,
    SourceKind,
    Usage,
)
from catalogue.search import sync  # noqa: E402
from catalogue.services import state  # noqa: E402

SOURCE = "synthetic benchmark data (bench/_http_catalogue.py), assembled from data/"
URL_BASE = "https://synthetic.invalid/"
DEFAULT_SEED = 20261129
# Components per transaction: the session's unit of work stays small.
BATCH = 500
MAX_TOTAL = 100_000
HOSTING_MODELS = frozenset(HostingModel)
# The component's columns a synthetic document fills, for ``field_sources``.
FILLED = (
    "name",
    "aliases",
    "descriptions",
    "license",
    "development_status",
    "maintenance",
    "common_ground_layer",
    "technology_platform",
    "hosting_models",
    "maintaining_organisation",
    "reference_components",
    "standards",
)

Json = dict[str, Any]


class Lookup:
    """Ids of the GEMMA elements and organisations the synthetic documents name by slug."""

    def __init__(self, session: Session) -> None:
        self.gemma = {
            (kind, slug): element_id
            for element_id, kind, slug in session.execute(
                select(GemmaElement.id, GemmaElement.kind, GemmaElement.slug).where(
                    GemmaElement.kind.in_([GemmaKind.REFERENCE_COMPONENT, GemmaKind.STANDARD])
                )
            )
        }
        self.organisations = {
            slug: (organisation_id, kind)
            for organisation_id, slug, kind in session.execute(
                select(Organisation.id, Organisation.slug, Organisation.kind)
            )
        }

    def element(self, kind: str, slug: str) -> int:
        """The id of a GEMMA element; KeyError when the catalogue was seeded from other data."""
        return self.gemma[(kind, slug)]


def _single(document: Json, facet: str) -> str | None:
    values = list(document["labels"].get(facet, {}))
    return values[0] if values else None


def component_of(document: Json, slug: str, lookup: Lookup) -> Component:
    """The rows of one synthetic document: a component with its children, not yet added."""
    labels = document["labels"]
    descriptions = []
    for language in ("nl", "en"):
        short = document[f"short_{language}"]
        if not short:
            continue
        descriptions.append(
            ComponentDescription(
                language=language,
                short_description=short,
                long_description=document[f"long_{language}"] or None,
                features=list(document[f"features_{language}"]),
            )
        )
    maintainer = _single(document, "maintainer")
    component = Component(
        slug=slug,
        name=document["name"],
        aliases=list(document["aliases"]),
        url=URL_BASE + slug,
        license=_single(document, "license"),
        development_status=_single(document, "development_status"),
        maintenance_type=_single(document, "maintenance_type"),
        common_ground_layer=_single(document, "layer"),
        technology_platform=_single(document, "technology_platform"),
        # bench/search.py also draws "support", which is an offer, not a hosting model.
        hosting_models=[
            {"model": model, "source": SOURCE}
            for model in sorted(labels.get("hosting_model", {}))
            if model in HOSTING_MODELS
        ],
        maintaining_organisation_id=lookup.organisations[maintainer][0] if maintainer else None,
        field_sources=dict.fromkeys(FILLED, SOURCE),
        source_kind=SourceKind.MANUAL,
        source_ref=SOURCE,
    )
    component.descriptions = descriptions
    component.realisations = [
        Realisation(
            reference_component_id=lookup.element(GemmaKind.REFERENCE_COMPONENT, reference),
            basis=RealisationBasis.MANUAL,
            reason="Synthetic component of the HTTP benchmark.",
            source_kind=SourceKind.MANUAL,
            source_ref=SOURCE,
        )
        for reference in sorted(labels.get("reference_component", {}))
    ]
    component.standards = [
        ComponentStandard(
            standard_id=lookup.element(GemmaKind.STANDARD, standard),
            name=name,
            source_kind=SourceKind.MANUAL,
            source_ref=SOURCE,
        )
        for standard, name in sorted(labels.get("standard", {}).items())
    ]
    usages = []
    for municipality in sorted(labels.get("municipality", {})):
        organisation_id, kind = lookup.organisations[municipality]
        if kind == OrganisationKind.MUNICIPALITY:
            usages.append(
                Usage(
                    organisation_id=organisation_id,
                    status="claimed",
                    claim_type="synthetic claim of the HTTP benchmark",
                    source_kind=SourceKind.MANUAL,
                    source_ref=SOURCE,
                )
            )
    component.usages = usages
    return component


def count_components(database: Database) -> int:
    """How many components the catalogue holds."""
    with database.session() as session:
        return session.scalar(select(func.count(Component.id))) or 0


def material_of(cache: Path | None) -> Any:
    """bench/search.py's material (it seeds data/ into a throw-away database, which takes a
    while); kept in ``cache`` (a pickle this script wrote) when given, and read from it then."""
    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, written below
    with tempfile.TemporaryDirectory(prefix="cw-http-material-") as work:
        material = load_material(Path(work))
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(material, handle)
    return material


def grow(
    database: Database, total: int, *, seed: int = DEFAULT_SEED, material_cache: Path | None = None
) -> int:
    """Add synthetic components until the catalogue holds ``total``; returns how many were added."""
    state.install(database.session_factory)
    # No writer after commit: ``catalogue reindex`` builds the index and clears the outbox.
    sync.install(database.session_factory, after_commit=None)
    with database.session() as session:
        existing = session.scalar(select(func.count(Component.id))) or 0
        if existing >= total:
            return 0
        lookup = Lookup(session)
        taken = set(session.scalars(select(Component.slug)))
    if not lookup.gemma or not lookup.organisations:
        msg = "the catalogue is not seeded (no GEMMA elements or organisations): run `seed` first"
        raise SystemExit(msg)
    material = material_of(material_cache)
    # A catalogue grown before gets other documents, so names and slugs do not repeat.
    documents = synthetic_documents(material, total - existing, seed + existing)
    added = 0
    for start in range(0, len(documents), BATCH):
        with database.session() as session:
            components = []
            for document in documents[start : start + BATCH]:
                slug = document["slug"]
                if slug in taken:
                    slug = f"{slug}-{existing}"
                taken.add(slug)
                components.append(component_of(document, slug, lookup))
            session.add_all(components)
        added += len(components)
    return added


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="SQLAlchemy URL of a migrated, seeded catalogue")
    parser.add_argument(
        "--total", type=int, default=10_000, help="components in all (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--material-cache",
        type=Path,
        default=None,
        help="pickle of the material from data/, written on the first run and read after",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.total <= MAX_TOTAL:
        parser.error(f"--total is 1 to {MAX_TOTAL:,}")
    database = Database(args.database_url)
    try:
        started = time.perf_counter()
        added = grow(database, args.total, seed=args.seed, material_cache=args.material_cache)
        held = count_components(database)
    finally:
        database.dispose()
    print(
        f"{held} components in the catalogue ({added} synthetic added "
        f"in {time.perf_counter() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
