"""GEMMA as the advisor's graph: the reference components, their dependencies and
specialisations, and the chosen business functions; and what is needed, read from that graph
(``build_instance`` in ``instance`` uses these steps).

Reference components, and the national facilities every municipality has, are capabilities
``rc:<slug>``; a chosen business function is ``bf:<slug>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.graph import ComponentGraph, NodeKind
from advisor.model import Obligation
from catalogue.models import GemmaElement, GemmaKind, GemmaRelation, GemmaRelationKind
from catalogue.services.advice.facts import RC

BF = "bf:"


def _gemma_elements(session: Session) -> dict[int, GemmaElement]:
    """Every reference component and national facility of GEMMA, by id (one statement)."""
    return {
        e.id: e
        for e in session.scalars(
            select(GemmaElement).where(
                GemmaElement.kind.in_([GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY])
            )
        )
    }


def _gemma_graph(
    session: Session, element_by_id: Mapping[int, GemmaElement], functions: list[GemmaElement]
) -> ComponentGraph:
    """GEMMA as the advisor's graph.

    Reference components (and national facilities, which every municipality has) become
    capabilities ``rc:<slug>``, with their dependencies and specialisations; the chosen
    functions become ``bf:<slug>``, linked to the reference components supporting them. Reads
    the relations of each kind in one statement each.
    """
    gemma = ComponentGraph()
    for element in element_by_id.values():
        if RC + element.slug not in gemma:
            gemma.add_reference_component(
                RC + element.slug,
                name=element.name,
                external=element.kind == GemmaKind.EXTERNAL_FACILITY,
            )
    _add_dependencies(session, gemma, element_by_id)
    _add_specialisations(session, gemma, element_by_id)
    _add_functions(session, gemma, element_by_id, functions)
    return gemma


def _add_dependencies(
    session: Session, gemma: ComponentGraph, element_by_id: Mapping[int, GemmaElement]
) -> None:
    """Add GEMMA's dependencies between reference components (mandatory for role "Verplicht").

    Reads the "depends on" relations; a dependency on a national facility is left out, since
    every municipality has those, and so is one of an element on itself.
    """
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON)
    ):
        consumer, provider = (
            element_by_id.get(relation.source_id),
            element_by_id.get(relation.target_id),
        )
        if consumer is None or provider is None or provider.kind != GemmaKind.REFERENCE_COMPONENT:
            continue  # national facilities are available to every municipality
        if consumer.id == provider.id:
            continue
        gemma.add_dependency(
            RC + consumer.slug,
            RC + provider.slug,
            mandatory=Obligation.of(relation.role) is Obligation.VERPLICHT,
        )


def _add_specialisations(
    session: Session, gemma: ComponentGraph, element_by_id: Mapping[int, GemmaElement]
) -> None:
    """Add GEMMA's specialisations, read from the "specialisation of" relations.

    A specialisation realises its general form too (Generiek zaakafhandelcomponent is a
    Zaakafhandelcomponent), so a component providing one provides the other.
    """
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.SPECIALISATION_OF)
    ):
        special, broad = (
            element_by_id.get(relation.source_id),
            element_by_id.get(relation.target_id),
        )
        if special is not None and broad is not None:
            gemma.add_specialisation(RC + special.slug, RC + broad.slug)


def _add_functions(
    session: Session,
    gemma: ComponentGraph,
    element_by_id: Mapping[int, GemmaElement],
    functions: list[GemmaElement],
) -> None:
    """Add the chosen business functions, each linked to the reference components supporting it.

    Reads the "supports function" relations of the chosen functions (nothing when none is).
    """
    for function in functions:
        gemma.add_function(BF + function.slug, name=function.name)
    if not functions:
        return
    function_of = {f.id: BF + f.slug for f in functions}
    for relation in session.scalars(
        select(GemmaRelation).where(
            GemmaRelation.kind == GemmaRelationKind.SUPPORTS_FUNCTION,
            GemmaRelation.target_id.in_(list(function_of)),
        )
    ):
        source = element_by_id.get(relation.source_id)
        if source is not None and source.kind == GemmaKind.REFERENCE_COMPONENT:
            gemma.link_function_to_reference(function_of[relation.target_id], RC + source.slug)


def _with_generalisations(gemma: ComponentGraph, capabilities: set[str]) -> set[str]:
    """``capabilities`` with every general form GEMMA gives them (reads nothing).

    A capability GEMMA does not hold (a catalogue component, an element of another kind)
    generalises to nothing.
    """
    return capabilities | gemma.with_generalisations(c for c in capabilities if c in gemma)


def _gemma_names(
    element_by_id: Mapping[int, GemmaElement], functions: list[GemmaElement]
) -> dict[str, str]:
    """The names of the reference components and the chosen functions, by capability id."""
    names: dict[str, str] = {
        RC + e.slug: e.name
        for e in element_by_id.values()
        if e.kind == GemmaKind.REFERENCE_COMPONENT
    }
    names.update({BF + f.slug: f.name for f in functions})
    return names


def _needed(
    gemma: ComponentGraph, functions: Iterable[GemmaElement], named: Iterable[GemmaElement]
) -> frozenset[str]:
    """What is needed: the chosen reference components (``named``) and those supporting the
    chosen ``functions``, closed over mandatory GEMMA dependencies in one traversal (reads
    nothing)."""
    return gemma.needs_closure(
        functions=[BF + f.slug for f in functions],
        reference_components=[RC + e.slug for e in named],
    ).reference_components


def _recommended_dependencies(gemma: ComponentGraph) -> dict[str, tuple[str, ...]]:
    """For each reference component with any: the ones GEMMA recommends beside it (reads
    nothing)."""
    return {
        capability: recommended
        for capability in gemma.nodes(NodeKind.REFERENCE)
        if (recommended := gemma.recommended_dependencies_of(capability))
    }
