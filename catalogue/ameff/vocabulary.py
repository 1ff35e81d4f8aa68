"""What the reader and the writer share: the namespaces, the property names in Dutch and
English, the values a reading holds (applications, reference components, findings), and the
texts of the reader's findings and refusals.

Pure: standard library only (and the gettext catalogue, read by ``catalogue/issue_texts.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from catalogue.issue_texts import N_, gettext_in, render

MAX_BYTES: Final = 5 * 1024 * 1024
NS: Final = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
SCHEMA_DIR: Final = Path(__file__).resolve().parents[2] / "data" / "archimate"
HOSTING: Final = ("saas", "paas", "iaas", "on-premise")


# Property name (lower case) -> the field it fills. Dutch and English, as the issue names them.
PROPERTY_FIELDS: Final = {
    "url": "url",
    "versie": "version",
    "version": "version",
    "hosting": "hosting",
    "leverancier": "supplier",
    "supplier": "supplier",
    "einddatum contract": "contract_end",
    "contract end": "contract_end",
    "opzegtermijn (maanden)": "notice_months",
    "notice period (months)": "notice_months",
}
OBJECT_ID: Final = "object id"
# The names the export writes, in Dutch: GEMMA's own models use Dutch property names.
EXPORT_NAMES: Final = {
    "url": "URL",
    "supplier": "Leverancier",
    "version": "Versie",
    "hosting": "Hosting",
    "contract_end": "Einddatum contract",
    "notice_months": "Opzegtermijn (maanden)",
}


# The texts of the reader's refusals and findings, by code: Dutch msgids of the one gettext
# catalogue (their English is in messages.po; catalogue/issue_texts.py).
TEXTS: Final[dict[str, str]] = {
    # refusals (AmeffError)
    "too-large": N_("het bestand is groter dan %(limit)s MB"),
    "empty": N_("het bestand is leeg"),
    "not-xml": N_("dit is geen goed gevormde XML: %(error)s"),
    "dtd": N_(
        "het bestand bevat een DTD (<!DOCTYPE>); uitwisselbestanden hebben die niet nodig en we "
        "weigeren ze"
    ),
    "not-exchange-file": N_(
        "dit is geen ArchiMate 3-uitwisselbestand: de basis is '%(root)s', niet <model> in "
        "%(namespace)s"
    ),
    # findings
    "schema": N_("regel %(line)s: schema: %(problem)s"),
    "application-without-name": N_("applicatie zonder naam; die is niet meegenomen"),
    "unknown-object-id": N_(
        "Object ID '%(value)s' is geen GEMMA-referentiecomponent die wij kennen; het element is "
        "gelezen als applicatie"
    ),
    "unknown-hosting": N_(
        "hosting '%(value)s' is geen SaaS, PaaS, IaaS of on-premise; bewaard als notitie"
    ),
    "contract-end-not-date": N_(
        "einddatum contract '%(value)s' is geen datum (JJJJ-MM-DD of dd-mm-jjjj); bewaard als "
        "notitie"
    ),
    "notice-not-months": N_(
        "opzegtermijn '%(value)s' is geen heel aantal maanden; bewaard als notitie"
    ),
}


def _text(code: str, params: dict[str, Any], language: str) -> str:
    return render(TEXTS[code], params, gettext_in(language))


class _Worded:
    """``message`` (English) and ``message_nl`` (Dutch) of a ``code`` with its ``params``."""

    code: str
    params: dict[str, Any]

    @property
    def message(self) -> str:
        """In English."""
        return _text(self.code, self.params, "en")

    @property
    def message_nl(self) -> str:
        """In Dutch."""
        return _text(self.code, self.params, "nl")


class AmeffError(_Worded, Exception):
    """The file cannot be read at all: too big, not XML, a DTD, not an exchange file.

    ``code`` (a key of ``TEXTS``) and ``params`` say why; ``message`` and ``message_nl`` word it.
    """

    def __init__(
        self, code: str, *, line: int | None = None, column: int | None = None, **params: Any
    ) -> None:
        self.code = code
        self.params = params
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(self.message + where)


@dataclass(frozen=True)
class Finding(_Worded):
    """A value or a part of the file that could not be read as meant: a stable ``code`` (a key
    of ``TEXTS``) and its ``params``, worded as ``message`` (English) and ``message_nl``."""

    element: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The shape of the CLI's ``--json`` output: the element and the message."""
        return {"element": self.element, "message": self.message}


@dataclass(frozen=True)
class ReferenceComponent:
    """A GEMMA reference component as the reader and writer need it."""

    slug: str
    name: str
    object_id: str | None
    group: str | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """A catalogue component as the matcher needs it."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()


@dataclass
class Application:
    """One application in use: a catalogue component or an "other package"."""

    name: str
    element: str | None = None
    component: str | None = None
    reference_components: list[str] = field(default_factory=list)
    supplier: str | None = None
    version: str | None = None
    hosting: str | None = None
    contract_end: dt.date | None = None
    notice_months: int | None = None
    url: str | None = None
    notes: str | None = None
    # Every other property of the element, by its name as written: kept, never lost.
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """ "matched" to a catalogue component, or "other"."""
        return "matched" if self.component else "other"

    def as_dict(self) -> dict[str, Any]:
        """Plain data: the CLI's ``--json`` shape, plus url, notes and properties."""
        return {
            "element": self.element,
            "name": self.name,
            "status": self.status,
            "component": self.component,
            "reference_components": list(self.reference_components),
            "supplier": self.supplier,
            "version": self.version,
            "hosting": self.hosting,
            "contract_end": self.contract_end.isoformat() if self.contract_end else None,
            "notice_months": self.notice_months,
            "url": self.url,
            "notes": self.notes,
            "properties": dict(self.properties),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Application:
        """The inverse of :meth:`as_dict` (status is derived, so it is not read)."""
        end = data.get("contract_end")
        return cls(
            name=str(data["name"]),
            element=data.get("element"),
            component=data.get("component"),
            reference_components=list(data.get("reference_components") or []),
            supplier=data.get("supplier"),
            version=data.get("version"),
            hosting=data.get("hosting"),
            contract_end=dt.date.fromisoformat(end) if end else None,
            notice_months=data.get("notice_months"),
            url=data.get("url"),
            notes=data.get("notes"),
            properties=dict(data.get("properties") or {}),
        )


@dataclass
class Reading:
    """What a file gave: applications, warnings (schema ones included) and the ignored count."""

    applications: list[Application]
    warnings: list[Finding]
    ignored: int
    reference_components: int = 0
    model_name: str | None = None

    def as_dict(self, organisation: str) -> dict[str, Any]:
        """The CLI's ``--json`` object."""
        keys = (
            "element", "name", "status", "component", "reference_components", "supplier",
            "version", "hosting", "contract_end", "notice_months",
        )  # fmt: skip
        return {
            "organisation": organisation,
            "applications": [
                {key: app.as_dict()[key] for key in keys} for app in self.applications
            ],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "ignored": self.ignored,
        }


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"
