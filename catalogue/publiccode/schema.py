"""The shape of publiccode.yml v0, as the official parser declares it, and its enumerations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# Versions of major version 0 that the standard published. The official parser's list lacks
# 0.6; we accept it because 0.6 is a published v0 release and files declare it.
SUPPORTED_VERSIONS: Final = frozenset(
    {"0", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5", "0.5.0"}
    | {"0.6", "0.6.0", "0.7", "0.7.0"}
)
LATEST_VERSION: Final = "0.7"

DEVELOPMENT_STATUSES: Final = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES: Final = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES: Final = ("internal", "contract", "community", "none")
COMMON_GROUND_LAYERS: Final = ("interaction", "process", "integration", "service", "data")
LOGO_EXTENSIONS: Final = (".svg", ".svgz", ".png")


@dataclass(frozen=True)
class _Spec:
    kind: Literal["str", "bool", "list", "map", "struct", "str_or_list"]
    item: _Spec | None = None
    fields: dict[str, _Spec] | None = None
    version: bool = False  # a version number: warn when written as a YAML number


_STR = _Spec("str")
_VERSION = _Spec("str", version=True)
_BOOL = _Spec("bool")
_STRS = _Spec("list", item=_STR)


def _struct(**fields: _Spec) -> _Spec:
    return _Spec("struct", fields=fields)


_ORGANISATION = _struct(name=_STR, uri=_STR)
_DEPENDENCY = _struct(
    name=_STR, versionMin=_VERSION, versionMax=_VERSION, optional=_BOOL, version=_VERSION
)
_DESCRIPTION = _struct(
    localisedName=_STR,
    genericName=_STR,
    shortDescription=_STR,
    longDescription=_STR,
    documentation=_STR,
    apiDocumentation=_STR,
    features=_STRS,
    screenshots=_STRS,
    videos=_STRS,
    awards=_STRS,
)
_IT_SECTION = _struct(
    countryExtensionVersion=_VERSION,
    conforme=_struct(
        lineeGuidaDesign=_BOOL,
        modelloInteroperabilita=_BOOL,
        misureMinimeSicurezza=_BOOL,
        gdpr=_BOOL,
    ),
    riuso=_struct(codiceIPA=_STR),
    piattaforme=_struct(spid=_BOOL, pagopa=_BOOL, cie=_BOOL, anpr=_BOOL, io=_BOOL),
)
_SCHEMA = _struct(
    publiccodeYmlVersion=_VERSION,
    name=_STR,
    applicationSuite=_STR,
    url=_STR,
    landingURL=_STR,
    isBasedOn=_Spec("str_or_list", item=_STR),
    softwareVersion=_VERSION,
    releaseDate=_STR,
    logo=_STR,
    monochromeLogo=_STR,
    organisation=_ORGANISATION,
    inputTypes=_STRS,
    outputTypes=_STRS,
    platforms=_STRS,
    categories=_STRS,
    usedBy=_STRS,
    fundedBy=_Spec("list", item=_ORGANISATION),
    roadmap=_STR,
    developmentStatus=_STR,
    softwareType=_STR,
    intendedAudience=_struct(scope=_STRS, countries=_STRS, unsupportedCountries=_STRS),
    description=_Spec("map", item=_DESCRIPTION),
    legal=_struct(license=_STR, mainCopyrightOwner=_STR, repoOwner=_STR, authorsFile=_STR),
    maintenance=_struct(
        type=_STR,
        contractors=_Spec("list", item=_struct(name=_STR, email=_STR, website=_STR, until=_STR)),
        contacts=_Spec("list", item=_struct(name=_STR, email=_STR, affiliation=_STR, phone=_STR)),
    ),
    localisation=_struct(localisationReady=_BOOL, availableLanguages=_STRS),
    dependsOn=_struct(
        open=_Spec("list", item=_DEPENDENCY),
        proprietary=_Spec("list", item=_DEPENDENCY),
        hardware=_Spec("list", item=_DEPENDENCY),
    ),
    supports=_Spec("list", item=_struct(id=_STR)),
    IT=_IT_SECTION,
    it=_IT_SECTION,
)
# Sections the official parser holds as plain (non-pointer) structs: after a type error inside
# them it still checks their required keys, against an empty section.
_VALUE_SECTIONS: Final = frozenset({"legal", "maintenance", "localisation", "description"})

_BAD: Final = object()  # a value that failed its type check

# Shapes the Dutch `nl` extension takes in real files (OpenCatalogi / Common Ground catalogue).
_NL_GEMMA_LISTS: Final = {
    "referentiecomponenten": "reference_components",
    "referencecomponents": "reference_components",
    "bedrijfsfuncties": "business_functions",
    "businessfunctions": "business_functions",
    "bedrijfsservices": "business_services",
    "businessservices": "business_services",
}
_NL_GEMMA_TEXTS: Final = {
    "applicatiefunctie": "application_function",
    "applicationfunction": "application_function",
    "model": "model",
}
_LAYER_WORDS: Final = {
    "interaction": "interaction",
    "interactie": "interaction",
    "interface": "interaction",
    "process": "process",
    "proces": "process",
    "integration": "integration",
    "integratie": "integration",
    "service": "service",
    "services": "service",
    "data": "data",
    "gegevens": "data",
}
_LEGACY_SOFTWARE_TYPES: Final = {
    "softwareaddon": "addon",
    "standalone": "standalone/other",
}
