"""The JSON instance format (a contract shared with other tools) and its validation.

Every problem is reported as an :class:`InstanceError` that names the JSON path of the
offending value, e.g. ``components[3].cost: must not be negative``.

Decisions beyond the contract:

* Landscape component ids that are not in ``components`` are allowed; they provide nothing by
  themselves (put their capabilities in ``landscape.provides``).
* Ids in ``constraints.exclude`` that are not in ``components`` are allowed and ignored, so
  that a generator can apply one exclusion list to any subset of the catalogue.
* Repeated strings inside a list (``provides``, ``needs`` ...) are harmless and collapse.
* Components may carry optional descriptive keys used only for scores and explanations:
  ``name``, ``licence``, ``adoption_count``, ``dependencies_count``, ``standards``.
* Duplicate keys inside one JSON object, ``NaN`` and ``Infinity`` are errors.
* ``open_source``, ``status`` and ``hosting`` may be ``null``: the fact is unknown (an absent
  key keeps its old default: open source, stable, every hosting form). Unknown is never "no":
  constraints exclude only on a known violation, unless ``constraints.strict`` is true.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import NoReturn

from advisor.model import (
    ALL_HOSTING,
    Candidate,
    Constraints,
    Hosting,
    Instance,
    Landscape,
    Status,
)

__all__ = [
    "InstanceError",
    "instance_from_json",
    "instance_to_json",
    "parse_instance",
]

_TOP_KEYS = frozenset({"components", "landscape", "needs", "constraints"})
_COMPONENT_KEYS = frozenset(
    {
        "id",
        "provides",
        "requires",
        "cost",
        "hosting",
        "open_source",
        "status",
        "name",
        "licence",
        "adoption_count",
        "dependencies_count",
        "standards",
    }
)
_LANDSCAPE_KEYS = frozenset({"components", "provides"})
_CONSTRAINT_KEYS = frozenset(
    {"open_source_only", "allowed_hosting", "min_status", "exclude", "strict"}
)
_STATUS_VALUES = tuple(s.value for s in Status)
_MIN_STATUS_VALUES = tuple(s.value for s in Status if s is not Status.OBSOLETE)
_HOSTING_VALUES = tuple(h.value for h in Hosting)


_ABSENT = object()


class InstanceError(ValueError):
    """A located problem in an instance: ``path`` is a JSON path like ``components[3].cost``."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def _fail(path: str, message: str) -> NoReturn:
    raise InstanceError(path, message)


def _join(path: str, key: str) -> str:
    return key if path == "$" else f"{path}.{key}"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _object(value: object, path: str, allowed: frozenset[str]) -> Mapping[str, object]:
    if not isinstance(value, dict):
        _fail(path, f"must be an object, not {_type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            _fail(path, f"keys must be strings, got {key!r}")
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            _fail(_join(path, key), f"unknown key (expected one of: {expected})")
    return value


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, f"must be a string, not {_type_name(value)}")
    if not value.strip():
        _fail(path, "must not be empty")
    return value


def _strings(value: object, path: str) -> frozenset[str]:
    if not isinstance(value, list):
        _fail(path, f"must be a list of strings, not {_type_name(value)}")
    return frozenset(_string(item, f"{path}[{i}]") for i, item in enumerate(value))


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, f"must be true or false, not {_type_name(value)}")
    return value


def _number(value: object, path: str) -> float:
    # bool is an int subclass in Python; JSON true is not a cost.
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, f"must be a number, not {_type_name(value)}")
    number = float(value)
    if not math.isfinite(number):
        _fail(path, "must be a finite number")
    if number < 0:
        _fail(path, "must not be negative")
    return number


def _count(value: object, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, f"must be a whole number or null, not {_type_name(value)}")
    if value < 0:
        _fail(path, "must not be negative")
    return value


def _choice(value: object, path: str, allowed: tuple[str, ...]) -> str:
    text = _string(value, path)
    if text not in allowed:
        _fail(path, f"unknown value {text!r} (expected one of: {', '.join(allowed)})")
    return text


def _hosting(value: object, path: str) -> frozenset[Hosting]:
    if not isinstance(value, list):
        _fail(path, f"must be a list of strings, not {_type_name(value)}")
    return frozenset(
        Hosting(_choice(item, f"{path}[{i}]", _HOSTING_VALUES)) for i, item in enumerate(value)
    )


def _candidate(value: object, path: str) -> Candidate:
    data = _object(value, path, _COMPONENT_KEYS)
    for required in ("id", "provides"):
        if required not in data:
            _fail(_join(path, required), "is required")
    licence = data.get("licence")
    hosting = data.get("hosting", _ABSENT)
    open_source = data.get("open_source", True)
    status = data.get("status", "stable")
    return Candidate(
        id=_string(data["id"], _join(path, "id")),
        provides=_strings(data["provides"], _join(path, "provides")),
        requires=_strings(data.get("requires", []), _join(path, "requires")),
        cost=_number(data.get("cost", 1), _join(path, "cost")),
        hosting=(
            ALL_HOSTING
            if hosting is _ABSENT
            else None
            if hosting is None
            else _hosting(hosting, _join(path, "hosting"))
        ),
        open_source=None if open_source is None else _bool(open_source, _join(path, "open_source")),
        status=(
            None
            if status is None
            else Status(_choice(status, _join(path, "status"), _STATUS_VALUES))
        ),
        name=_string(data["name"], _join(path, "name")) if "name" in data else "",
        licence=None if licence is None else _string(licence, _join(path, "licence")),
        adoption_count=_count(data.get("adoption_count"), _join(path, "adoption_count")),
        dependencies_count=_count(
            data.get("dependencies_count"), _join(path, "dependencies_count")
        ),
        standards=_strings(data.get("standards", []), _join(path, "standards")),
    )


def instance_from_json(data: object) -> Instance:
    """Validate decoded JSON and build an :class:`Instance`.

    Parameters
    ----------
    data
        The decoded JSON document (``dict`` at the top).

    Returns
    -------
    Instance

    Raises
    ------
    InstanceError
        On the first problem found, naming its JSON path.

    Examples
    --------
    >>> inst = instance_from_json({"components": [{"id": "a", "provides": ["x"]}],
    ...                            "needs": ["x"]})
    >>> inst.candidate("a").cost
    1.0
    >>> try:
    ...     instance_from_json({"components": [{"id": "a", "provides": [], "cost": -1}],
    ...                         "needs": []})
    ... except InstanceError as exc:
    ...     print(exc)
    components[0].cost: must not be negative
    """
    top = _object(data, "$", _TOP_KEYS)
    for required in ("components", "needs"):
        if required not in top:
            _fail(required, "is required")
    raw_components = top["components"]
    if not isinstance(raw_components, list):
        _fail("components", f"must be a list of objects, not {_type_name(raw_components)}")
    components: list[Candidate] = []
    first_seen: dict[str, int] = {}
    for i, raw in enumerate(raw_components):
        candidate = _candidate(raw, f"components[{i}]")
        if candidate.id in first_seen:
            first = first_seen[candidate.id]
            _fail(
                f"components[{i}].id",
                f"duplicate id {candidate.id!r} (first used at components[{first}])",
            )
        first_seen[candidate.id] = i
        components.append(candidate)

    needs = _strings(top["needs"], "needs")

    landscape_data = _object(top.get("landscape", {}), "landscape", _LANDSCAPE_KEYS)
    landscape = Landscape(
        components=_strings(landscape_data.get("components", []), "landscape.components"),
        provides=_strings(landscape_data.get("provides", []), "landscape.provides"),
    )

    c_data = _object(top.get("constraints", {}), "constraints", _CONSTRAINT_KEYS)
    constraints = Constraints(
        open_source_only=_bool(
            c_data.get("open_source_only", False), "constraints.open_source_only"
        ),
        allowed_hosting=(
            _hosting(c_data["allowed_hosting"], "constraints.allowed_hosting")
            if "allowed_hosting" in c_data
            else ALL_HOSTING
        ),
        min_status=Status(
            _choice(c_data.get("min_status", "beta"), "constraints.min_status", _MIN_STATUS_VALUES)
        ),
        exclude=_strings(c_data.get("exclude", []), "constraints.exclude"),
        strict=_bool(c_data.get("strict", False), "constraints.strict"),
    )
    return Instance(
        components=tuple(components), needs=needs, landscape=landscape, constraints=constraints
    )


def _reject_constant(name: str) -> NoReturn:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            msg = f"duplicate key {key!r} in one object"
            raise ValueError(msg)
        result[key] = value
    return result


def parse_instance(text: str) -> Instance:
    """Parse JSON text into an :class:`Instance`.

    Raises
    ------
    InstanceError
        For invalid JSON (path ``$``, with line and column) and every validation problem.
    """
    try:
        data = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        _fail("$", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:
        _fail("$", "invalid JSON: nested too deeply")
    except ValueError as exc:
        _fail("$", f"invalid JSON: {exc}")
    return instance_from_json(data)


def instance_to_json(instance: Instance) -> dict[str, object]:
    """Serialise an :class:`Instance` to the JSON contract (lists sorted for stable output).

    Descriptive keys are written only when set, so a round trip through
    :func:`instance_from_json` gives back an equal instance.
    """
    components: list[dict[str, object]] = []
    for c in instance.components:
        entry: dict[str, object] = {
            "id": c.id,
            "provides": sorted(c.provides),
            "requires": sorted(c.requires),
            "cost": c.cost,
            "hosting": None if c.hosting is None else sorted(h.value for h in c.hosting),
            "open_source": c.open_source,
            "status": None if c.status is None else c.status.value,
        }
        if c.name != c.id:
            entry["name"] = c.name
        if c.licence is not None:
            entry["licence"] = c.licence
        if c.adoption_count is not None:
            entry["adoption_count"] = c.adoption_count
        if c.dependencies_count is not None:
            entry["dependencies_count"] = c.dependencies_count
        if c.standards:
            entry["standards"] = sorted(c.standards)
        components.append(entry)
    k = instance.constraints
    return {
        "components": components,
        "landscape": {
            "components": sorted(instance.landscape.components),
            "provides": sorted(instance.landscape.provides),
        },
        "needs": sorted(instance.needs),
        "constraints": {
            "open_source_only": k.open_source_only,
            "allowed_hosting": sorted(h.value for h in k.allowed_hosting),
            "min_status": k.min_status.value,
            "exclude": sorted(k.exclude),
            # Written only when set, so instances without unknowns keep their old shape.
            **({"strict": True} if k.strict else {}),
        },
    }
