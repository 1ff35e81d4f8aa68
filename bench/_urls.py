"""The URLs bench/rotate.lua rotates over: distinct search URLs and every component page.

    python bench/_urls.py sqlite:////tmp/x/catalogue.db OUT_DIR [--search 3000] [--seed 13]

writes ``OUT_DIR/search.txt`` and ``OUT_DIR/components.txt``, one path per line.

The search URLs are built from the catalogue's own vocabulary, read from the database, never
from a hand-written list: the words of the components' names and short descriptions (the
stop words left out, the most frequent first), the names of GEMMA's reference components, two
words of that vocabulary together, a word with one facet filter whose value the catalogue holds
(a licence, a layer, a maintainer, a municipality, ...), and page 2 of a one-word search. The
same database and seed give the same URLs in the same order; the kinds are interleaved so any
stretch of the rotation holds each kind. Every component page is listed, in a seeded order.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from catalogue.db import Database  # noqa: E402
from catalogue.models import (  # noqa: E402
    Component,
    ComponentDescription,
    GemmaElement,
    GemmaKind,
    HostingModel,
    Organisation,
    OrganisationKind,
    Realisation,
    Usage,
)
from catalogue.search.dutch import STOP_WORDS  # noqa: E402
from catalogue.search.query import FACET_BY_NAME  # noqa: E402

SEARCH_PATH = "/componenten"
DEFAULT_SEARCH = 3_000
DEFAULT_SEED = 13
# Values per facet the filtered URLs draw from: the most frequent ones.
VALUES_PER_FACET = 12
# Shares of the search URLs per kind; one-word searches fill what the others leave.
SHARES = {"gemma": 0.10, "pair": 0.35, "filtered": 0.20, "page2": 0.10}
MODELS = frozenset(str(model) for model in HostingModel)
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def vocabulary(session: Session) -> list[str]:
    """The words of the components' names and Dutch and English short descriptions, most
    frequent first (ties alphabetical), without stop words."""
    counts: Counter[str] = Counter()
    for (name,) in session.execute(select(Component.name)):
        counts.update(w.lower() for w in _WORD.findall(name or ""))
    for (text,) in session.execute(select(ComponentDescription.short_description)):
        counts.update(w.lower() for w in _WORD.findall(text or ""))
    return [
        word
        for word, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if word not in STOP_WORDS
    ]


def reference_names(session: Session) -> list[str]:
    """GEMMA's reference components by name."""
    return sorted(
        session.scalars(
            select(GemmaElement.name).where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
        )
    )


def _top(session: Session, column, *where) -> list[str]:  # noqa: ANN001 - a column expression
    statement = (
        select(column, func.count())
        .where(column.is_not(None), *where)
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(VALUES_PER_FACET)
    )
    return [str(value) for value, _count in session.execute(statement) if value]


def hosting_models(session: Session) -> list[str]:
    """The hosting models the components name (a JSON list per component), most frequent first."""
    counts: Counter[str] = Counter()
    for (models,) in session.execute(select(Component.hosting_models)):
        counts.update(
            str(entry.get("model")) for entry in models or [] if entry.get("model") in MODELS
        )
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [model for model, _count in ordered[:VALUES_PER_FACET]]


def facet_values(session: Session) -> dict[str, list[str]]:
    """Per facet (its URL parameter), the values the catalogue holds most often."""
    values = {
        "license": _top(session, Component.license),
        "layer": _top(session, Component.common_ground_layer),
        "development_status": _top(session, Component.development_status),
        "maintenance_type": _top(session, Component.maintenance_type),
        "technology_platform": _top(session, Component.technology_platform),
        "hosting_model": hosting_models(session),
        "maintainer": _top(
            session,
            Organisation.slug,
            Organisation.id == Component.maintaining_organisation_id,
        ),
        "municipality": _top(
            session,
            Organisation.slug,
            Organisation.id == Usage.organisation_id,
            Organisation.kind == OrganisationKind.MUNICIPALITY,
        ),
        "reference_component": _top(
            session,
            GemmaElement.slug,
            GemmaElement.id == Realisation.reference_component_id,
        ),
    }
    return {FACET_BY_NAME[name].param: found for name, found in values.items() if found}


def search_url(arguments: Sequence[tuple[str, str | int]]) -> str:
    """The path of a search page."""
    return f"{SEARCH_PATH}?{urlencode(list(arguments))}"


def search_urls(
    session: Session, count: int = DEFAULT_SEARCH, seed: int = DEFAULT_SEED
) -> list[str]:
    """``count`` distinct search paths (fewer only when the vocabulary is too small)."""
    rng = random.Random(seed)
    words = vocabulary(session)
    if len(words) < 2:
        msg = "the catalogue has fewer than two words to search for; seed it first"
        raise SystemExit(msg)
    common = words[: max(2, min(len(words), 400))]
    facets = facet_values(session)
    wanted = {kind: int(count * share) for kind, share in SHARES.items()}
    kinds: dict[str, list[str]] = {kind: [] for kind in ("word", *SHARES)}
    taken: set[str] = set()

    def add(kind: str, arguments: Sequence[tuple[str, str | int]]) -> None:
        url = search_url(arguments)
        if url not in taken:
            taken.add(url)
            kinds[kind].append(url)

    for name in reference_names(session)[: wanted["gemma"]]:
        add("gemma", [("q", name)])
    for _attempt in range(wanted["pair"] * 5):
        if len(kinds["pair"]) >= wanted["pair"]:
            break
        first, second = rng.sample(common, 2)
        add("pair", [("q", f"{first} {second}")])
    params = sorted(facets)
    for attempt in range(wanted["filtered"] * 5):
        if len(kinds["filtered"]) >= wanted["filtered"] or not params:
            break
        param = params[attempt % len(params)]
        add("filtered", [("q", rng.choice(common[:100])), (param, rng.choice(facets[param]))])
    for word in words[: wanted["page2"]]:
        add("page2", [("q", word), ("page", 2)])
    rest = count - sum(len(urls) for urls in kinds.values())
    for word in words:
        if len(kinds["word"]) >= rest:
            break
        add("word", [("q", word)])
    # More pairs when the catalogue's vocabulary ran out of single words.
    for _attempt in range(count * 5):
        if len(taken) >= count:
            break
        first, second = rng.sample(words, 2)
        add("pair", [("q", f"{first} {second}")])
    urls = [url for kind in kinds.values() for url in kind]
    rng.shuffle(urls)
    return urls[:count]


def component_urls(session: Session, seed: int = DEFAULT_SEED) -> list[str]:
    """Every component's page, in a seeded order."""
    slugs = sorted(session.scalars(select(Component.slug)))
    random.Random(seed).shuffle(slugs)
    return [f"{SEARCH_PATH}/{slug}" for slug in slugs]


def write_urls(database_url: str, directory: Path, count: int, seed: int) -> tuple[int, int]:
    """Write search.txt and components.txt into ``directory``; returns how many of each."""
    database = Database(database_url)
    try:
        with database.session() as session:
            search = search_urls(session, count, seed)
            components = component_urls(session, seed)
    finally:
        database.dispose()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "search.txt").write_text("\n".join(search) + "\n", encoding="utf-8")
    (directory / "components.txt").write_text("\n".join(components) + "\n", encoding="utf-8")
    return len(search), len(components)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="SQLAlchemy URL of a seeded catalogue")
    parser.add_argument("directory", type=Path, help="where search.txt and components.txt go")
    parser.add_argument("--search", type=int, default=DEFAULT_SEARCH, help="search URLs")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    search, components = write_urls(args.database_url, args.directory, args.search, args.seed)
    print(f"{search} search URLs and {components} component pages in {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
