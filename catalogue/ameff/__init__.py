"""Read and write ArchiMate Model Exchange Files (AMEFF, The Open Group's format 3.x).

Reading turns a municipality's exchange file into landscape applications:

- an ``ApplicationComponent`` is an application, unless it is a GEMMA reference component,
  recognised by a property "Object ID" holding a GEMMA GUID or, failing that, by its exact name
  (ignoring case);
- an application realises the reference components it has a ``Realization`` relationship to;
- an application is matched to the catalogue by a "URL" property equal to a component's
  repository or landing URL, then by name or alias (ignoring case); otherwise it is an "other
  package";
- the properties below are read in Dutch or English (ignoring case); any other property is
  kept, not lost.

Nothing is dropped silently: every element is an application, a reference component or counted
as ignored, and every value that cannot be read is a warning naming the element's identifier.
The file is also checked against the Open Group schema (``data/archimate``, with ``xml.xsd``
resolved locally); schema violations are warnings with line numbers, as lenient mode does for
publiccode.yml, and what has a clear meaning is still read.

Safety: a size cap before parsing; no DTD (a file with a DOCTYPE is refused), no entity
expansion, no network; a malformed file is one error with its line and column.

Writing produces a file that is valid against ``archimate3_Diagram.xsd`` with one view that lays
the applications out by reference-component group, so it opens in Archi.

This package is pure: standard library and lxml only; no Flask, no database. By responsibility:

- ``vocabulary``: namespaces, property names, the values a reading holds, and the texts of its
  findings and refusals (Dutch msgids of the one gettext catalogue, by code);
- ``reader``: safe parsing, the schema check (``schema_problems``) and ``read``;
- ``writer``: ``write``.

Callers use the names below (``ameff.read``). The modules import each other's underscore
names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.ameff.reader import read, schema_problems
from catalogue.ameff.vocabulary import (
    EXPORT_NAMES,
    HOSTING,
    MAX_BYTES,
    NS,
    OBJECT_ID,
    PROPERTY_FIELDS,
    SCHEMA_DIR,
    TEXTS,
    XML_NS,
    XSI,
    AmeffError,
    Application,
    CatalogueEntry,
    Finding,
    Reading,
    ReferenceComponent,
)
from catalogue.ameff.writer import write

__all__ = [
    "EXPORT_NAMES",
    "HOSTING",
    "MAX_BYTES",
    "NS",
    "OBJECT_ID",
    "PROPERTY_FIELDS",
    "SCHEMA_DIR",
    "TEXTS",
    "XML_NS",
    "XSI",
    "AmeffError",
    "Application",
    "CatalogueEntry",
    "Finding",
    "Reading",
    "ReferenceComponent",
    "read",
    "schema_problems",
    "write",
]
