"""The advisor speaks English codes and numbers; this says the same in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.explain import Blocked, Gap, Mismatch
from advisor.model import Candidate, Term
from catalogue.services.advice import Advice, ToVerify, alternatives_for
from catalogue.web import labels

TERM_LABELS = {
    "hosting": _l("Hosting"),
    "maturity": _l("Volwassenheid"),
    "adoption": _l("Gebruik door gemeenten"),
    "licence": _l("Licentie"),
    "dependencies": _l("Wat het meebrengt"),
    "lock_in": _l("Afhankelijkheid van leverancier"),
}


def term_reason(advice: Advice, candidate: Candidate, term: Term) -> str:
    """Why a score term has its value, in words."""
    if term.name == "hosting":
        if candidate.hosting is None:
            return _("hosting onbekend; daarom een neutrale waarde, niet de slechtste")
        allowed = [
            h for h in advice.profile.hosting_order if h not in advice.profile.disallowed_hosting
        ]
        offered = {h.value for h in candidate.hosting}
        best = next((h for h in allowed if h in offered), None)
        return (
            _("beste toegestane vorm: %(form)s", form=labels.HOSTING.get(best, best))
            if best
            else _("geen toegestane vorm")
        )
    if term.name == "maturity":
        if candidate.status is None:
            return _("ontwikkelstatus onbekend; daarom een neutrale waarde, niet de slechtste")
        return _(
            "ontwikkelstatus: %(status)s",
            status=labels.STATUS.get(candidate.status.value, candidate.status.value),
        )
    if term.name == "adoption":
        if candidate.adoption_count is None:
            return _("onbekend: geen meldingen van gebruik; daarom een neutrale waarde, niet nul")
        return _("%(num)d gemeenten melden gebruik", num=candidate.adoption_count)
    if term.name == "licence":
        if candidate.open_source is None and candidate.licence:
            return _(
                "licentie %(licence)s: niet bekend of die open source is; daarom een neutrale "
                "waarde",
                licence=candidate.licence,
            )
        if candidate.open_source is None:
            return _("licentie onbekend; daarom een neutrale waarde, niet de slechtste")
        if candidate.open_source:
            return _("open licentie: %(licence)s", licence=candidate.licence or "?")
        return _("geen open-sourcelicentie: %(licence)s", licence=candidate.licence or "?")
    if term.name == "dependencies":
        missing = len(candidate.requires - advice.instance.base_available())
        if not missing:
            return _("heeft niets nodig dat u nog niet heeft")
        return _("%(num)d dingen nodig die u nog niet heeft", num=missing)
    if term.name == "lock_in":
        if candidate.open_source is None:
            return _("licentie onbekend; daarom een neutrale waarde")
        return (
            _("open source: u kunt van leverancier wisselen")
            if candidate.open_source
            else _("niet open source")
        )
    return term.reason


def constraint_reason(advice: Advice, candidate_id: str, name: str) -> str:
    """Why a candidate is not allowed, by the name of the rule it breaks."""
    candidate = advice.instance.by_id.get(candidate_id)
    if name == "exclude":
        missing = advice.facts.missing_standards.get(candidate_id)
        if missing and candidate_id not in advice.profile.exclude:
            return _(
                "mist een standaard die u verplicht stelt: %(standards)s",
                standards=", ".join(missing),
            )
        return _("u heeft dit component uitgesloten")
    if name == "status":
        return _("verouderd; dat kiest het advies nooit")
    # Only under "alleen zekere feiten" can an unknown fact break a rule; say "onbekend".
    if name == "min_status":
        if candidate is not None and candidate.status is None:
            return _("ontwikkelstatus onbekend, en u wilt alleen zekere feiten")
        status = candidate.status.value if candidate else "?"
        return _(
            "ontwikkelstatus %(status)s is lager dan uw minimum %(min)s",
            status=labels.STATUS.get(status, status),
            min=labels.STATUS.get(advice.profile.min_status, advice.profile.min_status),
        )
    if name == "open_source_only":
        if candidate is not None and candidate.open_source is None and candidate.licence:
            return _(
                "niet bekend of licentie %(licence)s open source is, en u wilt alleen zekere "
                "feiten",
                licence=candidate.licence,
            )
        if candidate is not None and candidate.open_source is None:
            return _("licentie onbekend, en u wilt alleen zekere feiten")
        licence = candidate.licence if candidate is not None else None
        return _(
            "geen open-sourcelicentie (%(licence)s), en u wilt alleen open source",
            licence=licence or "?",
        )
    if name == "allowed_hosting":
        if candidate is not None and candidate.hosting is None:
            return _("hosting onbekend, en u wilt alleen zekere feiten")
        return _("biedt alleen hosting die u niet toestaat")
    return name


FACT_LABELS = {
    "licence": _l("licentie onbekend"),
    "status": _l("ontwikkelstatus onbekend"),
    "hosting": _l("hosting onbekend"),
}


def fact_label(advice: Advice, component: str, fact: str) -> str:
    """An unknown fact in words; a named licence we cannot classify is named."""
    candidate = advice.instance.by_id.get(component)
    if fact == "licence" and candidate is not None and candidate.licence:
        return _("niet bekend of licentie %(licence)s open source is", licence=candidate.licence)
    return str(FACT_LABELS.get(fact, fact))


def to_verify_reason(advice: Advice, item: ToVerify) -> str:
    """What to verify about a chosen component, and where we looked."""
    facts = ", ".join(fact_label(advice, item.component, f) for f in item.facts)
    if item.source:
        return _("%(facts)s; geraadpleegd: %(source)s", facts=facts, source=item.source)
    return _("%(facts)s; geen bron vastgelegd", facts=facts)


def blocked_reason(advice: Advice, blocked: Blocked) -> str:
    """All reasons a candidate cannot help, in one sentence."""
    parts = [
        constraint_reason(advice, blocked.candidate, name) for name, _why in blocked.constraints
    ]
    if blocked.unmet_requirements:
        parts.append(
            _(
                "heeft %(needs)s nodig, en dat kan geen toegestaan component leveren",
                needs=", ".join(advice.name(r) for r in blocked.unmet_requirements),
            )
        )
    return "; ".join(parts)


def gap_reason(advice: Advice, gap: Gap) -> str:
    """Why a need stays uncovered."""
    if gap.kind == "no_provider":
        return _("Geen component in de catalogus vult dit in.")
    if gap.kind == "excluded":
        return _("Er zijn componenten voor, maar uw regels sluiten ze allemaal uit.")
    return _("Er zijn toegestane componenten voor, maar wat zij nodig hebben kan niemand leveren.")


def standard_alarms(advice: Advice) -> list[tuple[Mismatch, tuple[str, ...]]]:
    """The mismatches worth an alarm, each with the standards GEMMA expects for that link.

    Two components that share no standard are only a problem where GEMMA expects a standard for
    what one needs from the other, and neither common standard is one of those.
    """
    alarms = []
    for mismatch in advice.explanation.mismatches:
        expected = tuple(
            sorted(
                {
                    name
                    for need in mismatch.via
                    for name in advice.facts.expected_standards.get(need, ())
                }
            )
        )
        shared = set(mismatch.component_standards) & set(mismatch.partner_standards)
        if expected and not shared & set(expected):
            alarms.append((mismatch, expected))
    return alarms


def what_if_options(advice: Advice) -> list[tuple[str, str, tuple[str, ...]]]:
    """What the what-if form offers: each replaceable component with its sensible alternatives.

    A component in the plan or in use can be replaced only by one that fills at least one of the
    same reference components; components without such an alternative are not offered.
    """
    options = []
    for cid, in_use in [(c, False) for c in advice.plan.selected] + [
        (c, True) for c in advice.facts.landscape
    ]:
        alternatives = alternatives_for(advice.instance, cid)
        if alternatives:
            label = advice.name(cid) + (f" ({_('heeft u al')})" if in_use else "")
            options.append((cid, label, alternatives))
    return options


def what_if_verdict(advice: Advice) -> str:
    """The what-if's outcome in one plain sentence."""
    w = advice.what_if
    if w is None:
        return ""
    new, old = advice.name(w.added), advice.name(w.removed)
    if w.blocked_by:
        return _("Dat mag niet: %(new)s past niet bij uw regels.", new=new)
    if w.needs_lost:
        return _(
            "Niet aan te raden: zonder %(old)s is niet meer gedekt: %(lost)s.",
            old=old,
            lost=", ".join(advice.name(n) for n in w.needs_lost),
        )
    if w.dependents:
        return _(
            "Let op: dan missen andere componenten iets: %(list)s.",
            list=", ".join(advice.name(d.component) for d in w.dependents),
        )
    if w.cost_delta < 0:
        return _(
            "Dat kan, en het is beter: alles blijft gedekt en de totaalscore wordt %(delta)s lager.",
            delta=f"{-w.cost_delta:.2f}",
        )
    if w.cost_delta > 0:
        return _(
            "Dat kan, maar het past minder goed: alles blijft gedekt, de totaalscore wordt %(delta)s hoger.",
            delta=f"{w.cost_delta:.2f}",
        )
    return _("Dat kan: alles blijft gedekt en de totaalscore blijft gelijk.")
