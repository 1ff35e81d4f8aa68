"""The advice bridge: turns the catalogue and a municipality's profile into an advisor Instance.

The advisor itself (``advisor/``) is pure and knows nothing of the catalogue. This package is the
only place that translates between them:

- a capability is a GEMMA reference component (``rc:<slug>``), or a specific catalogue
  component another one needs (``component:<slug>``);
- a candidate provides the reference components it realises (declared, derived or manual);
- a candidate requires the catalogue components it lists as requirements, and the reference
  components that its own reference components depend on in GEMMA with role "Verplicht";
  dependencies on national facilities (BRP, BAG, DigiD, ...) count as available everywhere;
- a required standard applies to a candidate where GEMMA lists it for one of the candidate's
  reference components; a candidate it applies to and that does not claim it is left out;
- what is needed is the closure of the chosen business functions' and reference components'
  mandatory GEMMA dependencies, minus what the landscape covers.

Unknown facts stay unknown, and unknown is never "no": a component without a known licence,
development status or hosting form is passed to the advisor with that fact as ``None``. A rule
excludes it only on a known violation, unless the profile asks for certain facts only
(``strict``, "alleen zekere feiten"); otherwise the plan lists it under "te controleren" with
the unknown fact, the source that was consulted and a link to fill it in.

The package, in the order the advice is made:

- ``profile``: the profile and its validation (``profile_from_mapping``);
- ``facts``: what is read from the catalogue besides the instance (licences, published claims,
  unlinked functions, expected standards), and the capability prefixes ``RC`` and ``COMPONENT``;
- ``gemma_graph``: GEMMA as the advisor's graph (reference components, dependencies,
  specialisations, the chosen functions), and what is needed;
- ``instance``: ``build_instance``, the catalogue and GEMMA as the advisor's Instance;
- ``plan``: ``advise`` (score, solve, explain, order), what to verify, and the JSON answer.

Callers use the names below (``advice.advise``). The modules import each other's underscore
names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.services.advice.facts import (
    COMPONENT,
    OPEN_LICENCE_PREFIXES,
    PROPRIETARY_LICENCE_PREFIXES,
    RC,
    CatalogueFacts,
    UnlinkedNeed,
    open_source,
    published_claims,
    published_claims_of,
)
from catalogue.services.advice.instance import build_instance
from catalogue.services.advice.plan import (
    FACT_OF_CONSTRAINT,
    Advice,
    ToVerify,
    advice_to_json,
    advise,
    alternatives_for,
    to_verify,
)
from catalogue.services.advice.profile import (
    DEFAULT_WEIGHTS,
    HOSTING_FORMS,
    STATUSES,
    WEIGHT_KEYS,
    Profile,
    profile_from_mapping,
)

__all__ = [
    "COMPONENT",
    "DEFAULT_WEIGHTS",
    "FACT_OF_CONSTRAINT",
    "HOSTING_FORMS",
    "OPEN_LICENCE_PREFIXES",
    "PROPRIETARY_LICENCE_PREFIXES",
    "RC",
    "STATUSES",
    "WEIGHT_KEYS",
    "Advice",
    "CatalogueFacts",
    "Profile",
    "ToVerify",
    "UnlinkedNeed",
    "advice_to_json",
    "advise",
    "alternatives_for",
    "build_instance",
    "open_source",
    "profile_from_mapping",
    "published_claims",
    "published_claims_of",
    "to_verify",
]
