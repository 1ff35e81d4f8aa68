"""Facts derived from evidence: read, check, store, and apply them below the stated facts.

A derived fact (licence from a LICENSE file or an SPDX header, development status from the
release history, self-hostable from a Helm chart or a container image) is stored as a
:class:`~catalogue.models.DerivedFact` with its rule and evidence. It fills the matching
field of the component only while nothing is stated there: a stated fact (publiccode.yml,
components.yaml, an accepted submission) always wins. A field filled from a derived fact
records ``afgeleid: <rule> <url>`` in ``field_sources``, so every surface can say so.

The data format (``data/derived_facts.yaml``) is described in data/README.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from license_expression import (  # type: ignore[import-untyped]  # ships no types nor stubs
    ExpressionError,
    get_spdx_licensing,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ValidationError
from catalogue.models import (
    Component,
    DerivedFact,
    DerivedFactName,
    DerivedFactStatus,
    DevelopmentStatus,
    HostingModel,
)

DERIVED_FILE = "derived_facts.yaml"
DERIVED_PREFIX = "afgeleid:"
# Which rules may derive which fact, in order of preference when two disagree.
RULES: dict[str, tuple[str, ...]] = {
    DerivedFactName.LICENSE: ("license-file", "spdx-header"),
    DerivedFactName.DEVELOPMENT_STATUS: ("release-history",),
    DerivedFactName.SELF_HOSTABLE: ("helm-chart", "container-image"),
}
# The release-history rule looks this far back from the day the evidence was read (18 months).
RELEASE_WINDOW_DAYS = 548
MAX_EXCERPT = 300
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$", re.IGNORECASE)
_PRERELEASE = re.compile(r"(alpha|beta|rc|dev|pre|snapshot)", re.IGNORECASE)
_SPDX_HEADER = re.compile(r"SPDX-License-Identifier:\s*([^\s*/#>-][^\r\n*/#>]*)")

# Distinctive phrases of licence texts, for checking that a LICENSE excerpt supports its value.
# Only licences whose texts carry an unmistakable title are listed; anything else is "not
# identified", which is no objection (the SPDX id is still validated).
LICENSE_FINGERPRINTS: tuple[tuple[str, str], ...] = (
    (
        "EUPL-1.2",
        r"European Union Public Licen[cs]e.{0,40}v(?:ersion|\.)?\s*1\.2|EUPL\s*v?\.?\s*1\.2",
    ),
    (
        "EUPL-1.1",
        r"European Union Public Licen[cs]e.{0,40}v(?:ersion|\.)?\s*1\.1|EUPL\s*v?\.?\s*1\.1",
    ),
    ("AGPL-3.0", r"GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3"),
    ("LGPL-3.0", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3"),
    ("LGPL-2.1", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1"),
    ("GPL-3.0", r"GNU GENERAL PUBLIC LICENSE\s+Version 3"),
    ("GPL-2.0", r"GNU GENERAL PUBLIC LICENSE\s+Version 2"),
    ("MPL-2.0", r"Mozilla Public License,?\s+(?:Version|v\.?)\s*2\.0"),
    ("Apache-2.0", r"Apache License,?\s+Version 2\.0"),
    ("MIT", r"\bMIT License\b|Permission is hereby granted, free of charge"),
    ("BSD-3-Clause", r"BSD 3-Clause|Neither the name of"),
    ("ISC", r"\bISC License\b"),
)


@dataclass
class DerivedLoad:
    """What loading a derived-facts file did."""

    loaded: int = 0
    applied: int = 0
    superseded: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)


def is_derived_source(source: object) -> bool:
    """True when a ``field_sources`` entry (or hosting source) says the value was derived."""
    return isinstance(source, str) and source.startswith(DERIVED_PREFIX)


def derived_source(fact: DerivedFact) -> str:
    """The ``field_sources`` text of a field filled from ``fact``."""
    commit = f" @ {fact.evidence_commit[:10]}" if fact.evidence_commit else ""
    return f"{DERIVED_PREFIX} {fact.rule} — {fact.evidence_url}{commit}"


# ---------------------------------------------------------------- the rules


@functools.cache
def _spdx_licensing() -> Any:
    """license-expression's SPDX licensing, built once: building it reads the whole SPDX list
    (it was two thirds of a ``catalogue seed`` when built per call)."""
    return get_spdx_licensing()


def normalise_license(expression: str) -> str:
    """The SPDX expression in its canonical spelling; ValueError when it is not valid SPDX."""
    licensing = _spdx_licensing()
    try:
        info = licensing.validate(expression, strict=True)
    except ExpressionError as error:  # pragma: no cover - validate reports rather than raises
        raise ValueError(str(error)) from error
    if info.errors or info.invalid_symbols:
        msg = "; ".join(info.errors) or f"unknown SPDX id: {', '.join(info.invalid_symbols)}"
        raise ValueError(msg)
    return str(info.normalized_expression)


def license_from_text(text: str) -> str | None:
    """The SPDX id whose licence text ``text`` quotes, or None when no fingerprint matches."""
    flat = " ".join(text.split())
    for spdx_id, pattern in LICENSE_FINGERPRINTS:
        if re.search(pattern, flat, re.IGNORECASE):
            return spdx_id
    return None


def license_from_spdx_header(text: str) -> str | None:
    """The expression of the first ``SPDX-License-Identifier:`` line in ``text``."""
    match = _SPDX_HEADER.search(text)
    return match.group(1).strip() if match else None


def _version(tag: str) -> tuple[int, bool] | None:
    """(major, is_prerelease) of a release tag, or None when the tag is not a version."""
    match = _VERSION.match(tag.strip())
    if match is None:
        return None
    return int(match.group(1)), bool(_PRERELEASE.search(match.group(4) or ""))


def status_from_releases(releases: Iterable[Mapping[str, Any]], *, on: dt.date) -> str | None:
    """Development status by the release-history rule, as of ``on``.

    ``stable`` when a release with major version 1 or higher (not a pre-release) is dated within
    18 months before ``on``; ``beta`` when only 0.x or pre-releases are; None when no release
    falls in that window (old releases do not prove a project obsolete, so nothing is derived).

    >>> status_from_releases([{"tag": "v1.2.0", "date": "2026-01-05"}], on=dt.date(2026, 12, 7))
    'stable'
    >>> status_from_releases([{"tag": "0.9.1", "date": "2026-01-05"}], on=dt.date(2026, 12, 7))
    'beta'
    >>> status_from_releases([{"tag": "2.0.0", "date": "2020-01-05"}], on=dt.date(2026, 12, 7))
    """
    window_start = on - dt.timedelta(days=RELEASE_WINDOW_DAYS)
    found = None
    for release in releases:
        version = _version(str(release.get("tag", "")))
        date = _as_date(release.get("date"))
        if version is None or date is None or not window_start <= date <= on:
            continue
        major, prerelease = version
        if major >= 1 and not prerelease:
            return DevelopmentStatus.STABLE.value
        found = DevelopmentStatus.BETA.value
    return found


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- reading the file


def read_derived_file(path: Path) -> list[dict[str, Any]]:
    """The entries of a derived-facts file; a malformed file is a located ValidationError."""
    try:
        with path.open(encoding="utf-8") as handle:
            content = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        raise ValidationError({where: [str(getattr(error, "problem", error))]}) from error
    if content is None:
        return []
    if not isinstance(content, dict) or not isinstance(content.get("derived") or [], list):
        raise ValidationError({path.name: ["must be a mapping with a 'derived' list"]})
    return list(content.get("derived") or [])


def check_entry(entry: object) -> tuple[dict[str, Any], list[str]]:
    """Validate one entry; return the cleaned fact (value computed where a rule computes it)."""
    problems: list[str] = []
    if not isinstance(entry, dict):
        return {}, ["an entry must be a mapping"]
    fact = str(entry.get("fact") or "")
    rule = str(entry.get("rule") or "")
    if not entry.get("component"):
        problems.append("component: missing")
    if fact not in RULES:
        problems.append(f"fact: must be one of {', '.join(RULES)}")
    elif rule not in RULES[fact]:
        problems.append(f"rule: '{rule}' cannot derive {fact}; use {', '.join(RULES[fact])}")
    evidence = entry.get("evidence")
    if not isinstance(evidence, dict):
        evidence = {}
        problems.append("evidence: missing")
    url = str(evidence.get("url") or "")
    if not url.startswith("https://"):
        problems.append("evidence.url: must be an https URL")
    commit = evidence.get("commit")
    if commit is not None and not _COMMIT.match(str(commit)):
        problems.append("evidence.commit: must be 7 to 40 hexadecimal characters")
    excerpt = str(evidence.get("excerpt") or "").strip()
    if not excerpt:
        problems.append("evidence.excerpt: missing")
    elif len(excerpt) > MAX_EXCERPT:
        problems.append(f"evidence.excerpt: at most {MAX_EXCERPT} characters")
    derived_on = _as_date(entry.get("derived_on"))
    if derived_on is None:
        problems.append("derived_on: must be a date (YYYY-MM-DD)")
    value: str | None = None
    details: dict[str, Any] = {}
    if not problems:
        value, more, details = _value_of(entry, fact, rule, excerpt, derived_on)
        problems.extend(more)
    if problems:
        return {}, problems
    assert derived_on is not None  # noqa: S101  (checked above; narrows the type)
    return {
        "component": str(entry["component"]),
        "fact": fact,
        "rule": rule,
        "value": value,
        "evidence_url": url,
        "evidence_commit": str(commit) if commit is not None else None,
        "evidence_path": str(evidence["path"]) if evidence.get("path") else None,
        "evidence_excerpt": excerpt,
        "details": details,
        "derived_on": derived_on,
    }, []


def _value_of(
    entry: Mapping[str, Any], fact: str, rule: str, excerpt: str, on: dt.date | None
) -> tuple[str | None, list[str], dict[str, Any]]:
    stated = entry.get("value")
    if fact == DerivedFactName.LICENSE:
        try:
            value = normalise_license(str(stated or ""))
        except ValueError as error:
            return None, [f"value: not a valid SPDX licence expression ({error})"], {}
        evidence_says = (
            license_from_spdx_header(excerpt)
            if rule == "spdx-header"
            else license_from_text(excerpt)
        )
        if rule == "spdx-header" and evidence_says is None:
            return None, ["evidence.excerpt: has no 'SPDX-License-Identifier:' line"], {}
        if evidence_says is not None and not _same_license(evidence_says, value):
            return None, [f"value: {value} but the excerpt says {evidence_says}"], {}
        return value, [], {}
    if fact == DerivedFactName.DEVELOPMENT_STATUS:
        releases = entry.get("releases")
        if not isinstance(releases, list) or not releases:
            return None, ["releases: the release-history rule needs the releases it read"], {}
        clean = [
            {"tag": str(r.get("tag")), "date": str(_as_date(r.get("date")))}
            for r in releases
            if isinstance(r, dict)
        ]
        assert on is not None  # noqa: S101  (the caller checked derived_on first)
        status = status_from_releases(clean, on=on)
        if status is None:
            return None, ["releases: no release within 18 months; nothing can be derived"], {}
        if stated is not None and str(stated) != status:
            return None, [f"value: '{stated}' but the release-history rule gives '{status}'"], {}
        return status, [], {"releases": clean}
    if stated not in (True, "true"):
        return None, ["value: self_hostable can only be derived as true"], {}
    return "true", [], {}


def _same_license(left: str, right: str) -> bool:
    try:
        a, b = normalise_license(left), normalise_license(right)
    except ValueError:
        return False
    # "EUPL-1.2" and "EUPL-1.2-or-later" quote the same text; only the family must agree.
    return a == b or a.split("-or-later")[0] == b.split("-or-later")[0] or a in b or b in a


# ---------------------------------------------------------------- storing and applying


def load_derived_facts(session: Session, path: Path, *, source_ref: str) -> DerivedLoad:
    """Store every entry of ``path`` and apply them; all errors are collected, then raised."""
    report = DerivedLoad()
    if not path.exists():
        return report
    entries = read_derived_file(path)
    by_slug = {c.slug: c for c in session.scalars(select(Component))}
    cleaned: list[tuple[Component, dict[str, Any]]] = []
    for number, entry in enumerate(entries, start=1):
        fact, problems = check_entry(entry)
        slug = fact.get("component") if fact else None
        if fact and slug not in by_slug:
            problems = [f"component: no component with slug '{slug}'"]
        if problems:
            label = entry.get("component") if isinstance(entry, dict) else None
            report.errors[f"{path.name}: entry {number} ({label or '?'})"] = problems
            continue
        cleaned.append((by_slug[str(slug)], fact))
    if report.errors:
        raise ValidationError(report.errors)
    touched: dict[int, Component] = {}
    for component, fact in cleaned:
        store_derived_fact(session, component, fact, source_ref=source_ref)
        touched[component.id] = component
        report.loaded += 1
    session.flush()
    for component in touched.values():
        applied, superseded = apply_derived_facts(session, component)
        report.applied += applied
        report.superseded += superseded
    session.flush()
    return report


def store_derived_fact(
    session: Session, component: Component, fact: Mapping[str, Any], *, source_ref: str
) -> DerivedFact:
    """Create or update the derived fact of ``component`` for (fact, rule). Flushes."""
    row = session.scalar(
        select(DerivedFact).where(
            DerivedFact.component_id == component.id,
            DerivedFact.fact == fact["fact"],
            DerivedFact.rule == fact["rule"],
        )
    )
    if row is None:
        row = DerivedFact(component=component, fact=fact["fact"], rule=fact["rule"])
        session.add(row)
    for key in (
        "value",
        "evidence_url",
        "evidence_commit",
        "evidence_path",
        "evidence_excerpt",
        "details",
        "derived_on",
    ):
        setattr(row, key, fact[key])
    row.source_ref = source_ref
    if row.status not in (DerivedFactStatus.CONFIRMED, DerivedFactStatus.CORRECTED):
        row.status = DerivedFactStatus.ACTIVE
    session.flush()
    return row


def derived_facts_of(session: Session, component: Component) -> list[DerivedFact]:
    """The derived facts of ``component``, by fact then rule preference."""
    return sort_derived_facts(
        session.scalars(select(DerivedFact).where(DerivedFact.component_id == component.id))
    )


def sort_derived_facts(rows: Iterable[DerivedFact]) -> list[DerivedFact]:
    """Derived facts by fact, then by the preference of their rule."""
    return sorted(rows, key=lambda r: (r.fact, RULES.get(r.fact, ()).index(r.rule)))


def _stated(component: Component, fact: str) -> bool:
    if fact == DerivedFactName.SELF_HOSTABLE:
        return any(
            h.get("model") == HostingModel.ON_PREMISE and not is_derived_source(h.get("source"))
            for h in component.hosting_models or []
        )
    value = getattr(component, fact)
    return value not in (None, "") and not is_derived_source(
        (component.field_sources or {}).get(fact)
    )


def apply_derived_facts(session: Session, component: Component) -> tuple[int, int]:
    """Fill the unstated fields of ``component`` from its derived facts; (applied, superseded).

    Call after anything rewrites the component's stated facts (seed, import, harvest, review):
    a stated value wins and marks the derived fact "vervangen"; an empty field, or one filled by
    an earlier derivation, takes the derived value.
    """
    applied = superseded = 0
    done: set[str] = set()
    sources = dict(component.field_sources or {})
    hosting = [dict(h) for h in component.hosting_models or []]
    for fact in derived_facts_of(session, component):
        if fact.status in (DerivedFactStatus.CONFIRMED, DerivedFactStatus.CORRECTED):
            continue
        if _stated(component, fact.fact) or fact.fact in done:
            fact.status = DerivedFactStatus.SUPERSEDED
            superseded += 1
            continue
        fact.status = DerivedFactStatus.ACTIVE
        done.add(fact.fact)
        applied += 1
        if fact.fact == DerivedFactName.SELF_HOSTABLE:
            hosting = [h for h in hosting if not is_derived_source(h.get("source"))]
            hosting.append({"model": HostingModel.ON_PREMISE.value, "source": derived_source(fact)})
            continue
        setattr(component, fact.fact, fact.value)
        sources[fact.fact] = derived_source(fact)
    if sources != (component.field_sources or {}):
        component.field_sources = sources
    if hosting != list(component.hosting_models or []):
        component.hosting_models = hosting
    session.flush()
    return applied, superseded


def settle_after_review(
    session: Session, component: Component, before: Mapping[str, Any]
) -> list[DerivedFact]:
    """After an accepted submission: a derived value the maintainer kept is "bevestigd", one
    they changed is "gecorrigeerd". ``before`` is the component's document before the change.

    The submission's own values are stated from now on, so they win over the derivation.
    """
    settled = []
    before_sources = before.get("field_sources") or {}
    for fact in derived_facts_of(session, component):
        if fact.fact == DerivedFactName.SELF_HOSTABLE or fact.status != DerivedFactStatus.ACTIVE:
            continue
        was_derived = is_derived_source(before_sources.get(fact.fact))
        now_stated = _stated(component, fact.fact)
        if not (was_derived and now_stated):
            continue
        fact.status = (
            DerivedFactStatus.CONFIRMED
            if getattr(component, fact.fact) == fact.value
            else DerivedFactStatus.CORRECTED
        )
        settled.append(fact)
    session.flush()
    return settled


def fact_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per derived fact: how many rows are active, superseded, confirmed, corrected."""
    counts: dict[str, dict[str, int]] = {}
    for row in session.scalars(select(DerivedFact)):
        counts.setdefault(row.fact, {}).setdefault(row.status, 0)
        counts[row.fact][row.status] += 1
    return counts
