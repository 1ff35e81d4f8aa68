"""What a municipality tells the advisor: the profile, and its validation from JSON or a form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from advisor.cost import DEFAULT_PROFILE as DEFAULT_COST_PROFILE
from advisor.cost import TERMS
from advisor.model import Hosting
from catalogue.errors import ErrorCode, FieldError, ValidationError

HOSTING_FORMS = tuple(h.value for h in Hosting)
STATUSES = ("concept", "development", "beta", "stable")
# The advisor's score terms; the weights and their defaults are documented in docs/advisor.md.
WEIGHT_KEYS: tuple[str, ...] = TERMS
DEFAULT_WEIGHTS: dict[str, float] = dict(DEFAULT_COST_PROFILE.weights)


@dataclass(frozen=True)
class Profile:
    """What a municipality tells the advisor. Every field has a default, so a link can omit it."""

    municipality: str | None = None
    business_functions: tuple[str, ...] = ()
    reference_components: tuple[str, ...] = ()
    # None: not said; the municipality's published usage claims fill it. A tuple (even an empty
    # one) is what the user said they use, and is respected as it stands.
    landscape_components: tuple[str, ...] | None = None
    landscape_reference_components: tuple[str, ...] = ()
    hosting_order: tuple[str, ...] = HOSTING_FORMS
    disallowed_hosting: tuple[str, ...] = ()
    open_source_only: bool = False
    min_status: str = "beta"
    required_standards: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # "Alleen zekere feiten": an unknown licence, status or hosting excludes, for strict
    # procurement. Off by default: unknown is not "no".
    strict: bool = False

    def to_json(self) -> dict[str, Any]:
        """The profile as JSON-ready data."""
        data = asdict(self)
        data["weights"] = dict(self.weights)
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in data.items()
        }

    @property
    def landscape_stated(self) -> bool:
        """True when the profile says what is in use (even "nothing")."""
        return self.landscape_components is not None


def profile_from_mapping(data: Mapping[str, Any]) -> Profile:
    """Validate a profile from JSON or a form; errors name the field."""
    errors: dict[str, list[str]] = {}
    known = set(Profile.__dataclass_fields__)
    for key in data:
        if key not in known:
            errors.setdefault(key, []).append(FieldError(ErrorCode.PROFILE_FIELD_UNKNOWN))

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, ())
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.setdefault(key, []).append(FieldError(ErrorCode.TEXTS_REQUIRED))
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    hosting_order = strings("hosting_order") or HOSTING_FORMS
    disallowed = strings("disallowed_hosting")
    for key, values in (("hosting_order", hosting_order), ("disallowed_hosting", disallowed)):
        for value in values:
            if value not in HOSTING_FORMS:
                errors.setdefault(key, []).append(
                    FieldError(
                        ErrorCode.HOSTING_FORM_UNKNOWN,
                        value=value,
                        choices=", ".join(HOSTING_FORMS),
                    )
                )
    if set(hosting_order) != set(HOSTING_FORMS) and not errors.get("hosting_order"):
        hosting_order = (*hosting_order, *(h for h in HOSTING_FORMS if h not in hosting_order))
    if not errors.get("disallowed_hosting") and set(disallowed) >= set(HOSTING_FORMS):
        errors.setdefault("disallowed_hosting", []).append(
            FieldError(ErrorCode.ONE_HOSTING_ALLOWED)
        )
    min_status = data.get("min_status", "beta")
    if min_status not in STATUSES:
        errors.setdefault("min_status", []).append(
            FieldError(ErrorCode.MIN_STATUS_UNKNOWN, choices=", ".join(STATUSES))
        )
    switches: dict[str, bool] = {}
    for key in ("open_source_only", "strict"):
        switch = data.get(key, False)
        if isinstance(switch, str):
            switch = switch.lower() in ("1", "true", "yes", "ja", "on")
        if not isinstance(switch, bool):
            errors.setdefault(key, []).append(FieldError(ErrorCode.SWITCH_NOT_BOOLEAN))
        switches[key] = bool(switch)
    weights = dict(DEFAULT_WEIGHTS)
    raw_weights = data.get("weights") or {}
    if not isinstance(raw_weights, Mapping):
        errors.setdefault("weights", []).append(FieldError(ErrorCode.WEIGHTS_NOT_OBJECT))
        raw_weights = {}
    for key, value in raw_weights.items():
        if key not in WEIGHT_KEYS:
            errors.setdefault(f"weights.{key}", []).append(FieldError(ErrorCode.WEIGHT_UNKNOWN))
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.setdefault(f"weights.{key}", []).append(
                FieldError(ErrorCode.WEIGHT_OUT_OF_RANGE)
            )
            continue
        if not 0 <= number <= 10:
            errors.setdefault(f"weights.{key}", []).append(
                FieldError(ErrorCode.WEIGHT_OUT_OF_RANGE)
            )
            continue
        weights[key] = number
    municipality = data.get("municipality") or None
    if municipality is not None and not isinstance(municipality, str):
        errors.setdefault("municipality", []).append(
            FieldError(ErrorCode.MUNICIPALITY_NOT_CBS_CODE)
        )
    profile = Profile(
        municipality=municipality,
        business_functions=strings("business_functions"),
        reference_components=strings("reference_components"),
        landscape_components=(
            strings("landscape_components")
            if data.get("landscape_components") is not None
            else None
        ),
        landscape_reference_components=strings("landscape_reference_components"),
        hosting_order=hosting_order,
        disallowed_hosting=disallowed,
        open_source_only=switches["open_source_only"],
        strict=switches["strict"],
        min_status=str(min_status),
        required_standards=strings("required_standards"),
        exclude=strings("exclude"),
        weights=weights,
    )
    if errors:
        raise ValidationError(errors)
    return profile
