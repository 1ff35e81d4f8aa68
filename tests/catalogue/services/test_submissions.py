"""The contributing services on SQLite and PostgreSQL: the life of a submission, revisions,
conflicts, disputes, merges, tokens and the public status."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from catalogue.errors import Conflict, ErrorCode, FieldError, NotAuthorized, ValidationError
from catalogue.models import (
    AuditEvent,
    Component,
    Dispute,
    Organisation,
    Revision,
    Role,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
    Usage,
)
from catalogue.services import accounts, curation, disputes, submissions
from catalogue.services.components import get_component
from tests.accounts import COMPONENT, MUNICIPALITY, Account, make_account
from tests.conftest import ROOT
from tests.factories import make_component

pytestmark = pytest.mark.both_backends

# Not in the seed catalogue: its repository URL is new, so it makes a new component.
NEW_FILE = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"


@pytest.fixture
def people(app: Any, backend: str) -> dict[str, Account]:
    return {
        "maintainer": make_account(app, Role.MAINTAINER),
        "reviewer": make_account(app, Role.REVIEWER),
        "admin": make_account(app, Role.ADMIN),
        "supplier": make_account(app, Role.MAINTAINER, organisation="conduction"),
        # Disputes about Amsterdam's components are resolved by someone outside Amsterdam.
        "outside_reviewer": make_account(app, Role.REVIEWER, organisation="conduction"),
    }


def _user(session: Any, account: Account) -> Any:
    return accounts.get_user(session, account.id)


def _own_component(app: Any) -> str:
    """The slug of a component the maintainers' municipality maintains, made for this test."""
    with app.extensions["catalogue_db"].session() as session:
        return make_component(session, maintaining_organisation=MUNICIPALITY).slug


def test_a_publiccode_submission_is_previewed_fixed_submitted_and_published(
    app: Any, people: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        supplier = _user(session, people["supplier"])
        submission = submissions.start_from_publiccode(
            session, NEW_FILE.read_bytes(), actor=supplier, source_name=NEW_FILE.name
        )
        number = submission.id
        preview = submissions.preview(session, number, actor=supplier)
        assert preview.created and not preview.errors
        licence = [w for w in preview.warnings if w["key"] == "legal.license"]
        assert licence and licence[0]["line"] == 1 and licence[0]["message_nl"]
        assert (
            any(h.code == "description_en" for h in preview.completeness.hints) is False
        )  # the file has English
        assert any(h.code == "license" and h.points == 2 for h in preview.completeness.hints)
        submissions.save_step(
            session,
            number,
            "licence",
            {"license": "EUPL-1.2"},
            actor=supplier,
            lock_version=submission.version,
        )
        fixed = submissions.preview(session, number, actor=supplier)
        assert [i["key"] for i in fixed.resolved] == ["legal.license"]
        assert fixed.completeness.score > preview.completeness.score
        submissions.submit_for_review(session, number, actor=supplier)
    with database.session() as session:
        reviewer = _user(session, people["reviewer"])
        revision = submissions.approve(session, number, actor=reviewer, note="ziet er goed uit")
        assert revision.number == 1
        assert revision.approved_by_label == _user(session, people["reviewer"]).label
        component = session.get(Component, revision.component_id)
        assert component.license == "EUPL-1.2"
        assert component.maintaining_organisation.slug == "conduction"
        assert "bijdrage #" in component.field_sources["license"]
        assert "publiccode.yml" in component.field_sources["name"]
        assert dict((c[0], c[2]) for c in revision.changes)["license"] == "EUPL-1.2"
        status = submissions.latest_status(session, component)
        assert status is not None and status.status == SubmissionStatus.PUBLISHED
        events = session.scalars(
            select(AuditEvent.kind).where(AuditEvent.kind.in_(["submitted", "approved"]))
        )
        assert sorted(events) == ["approved", "submitted"]


def test_a_form_submission_makes_claims_that_name_who_made_them(
    app: Any, people: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        maintainer = _user(session, people["maintainer"])
        submission = submissions.start_new(session, actor=maintainer)
        number = submission.id

        def save(step: str, data: dict[str, Any]) -> None:
            current = session.get(Submission, number)
            submissions.save_step(
                session, number, step, data, actor=maintainer, lock_version=current.version
            )

        save(
            "basics",
            {
                "name": "Meldingenapp Test",
                "url": "https://example.org/meldingen-test",
                "development_status": "beta",
                "common_ground_layer": "interaction",
            },
        )
        reference = submissions.search_reference_components(session, "meldingen")[0]
        save("reference_components", {"reference_components": [reference.gemma_id]})
        standard = submissions.search_standards(session, "api")
        save(
            "standards",
            {"standards": [s.gemma_id for s in standard[:1]], "requires": ["open-zaak"]},
        )
        save("hosting", {"hosting_models": ["saas", "on-premise"]})
        save("licence", {"license": "EUPL-1.2 OR MIT", "maintenance_type": "contract"})
        save(
            "descriptions",
            {
                "nl_short_description": "Meldingen doen",
                "en_short_description": "Report issues",
                "nl_features": "Melden\nVolgen\n",
                "documentation": "https://example.org/docs",
            },
        )
        with pytest.raises(ValidationError):
            save("licence", {"license": "Geen-Licentie"})
        submissions.submit_for_review(session, number, actor=maintainer)
        assert session.get(Submission, number).status == SubmissionStatus.SUBMITTED
    with database.session() as session:
        revision = submissions.approve(session, number, actor=_user(session, people["reviewer"]))
        component = get_component(session, session.get(Component, revision.component_id).slug)
        realisation = component.realisations[0]
        assert realisation.reference_component.gemma_id == reference.gemma_id
        assert (
            f"bijdrage #{number}" in realisation.source_ref
            and f"medewerker {people['maintainer'].id}" in realisation.source_ref
            and "@" not in realisation.source_ref
        )
        assert [r.required_component.slug for r in component.requirements] == ["open-zaak"]
        assert [h["model"] for h in component.hosting_models] == ["saas", "on-premise"]
        assert component.description("en").short_description == "Report issues"
        assert component.description("nl").features == ["Melden", "Volgen"]


def test_a_refused_document_field_is_a_located_code_with_its_english_text(
    app: Any, people: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        maintainer = _user(session, people["maintainer"])
        submission = submissions.start_new(session, actor=maintainer)
        submissions.save_step(
            session,
            submission.id,
            "basics",
            {"name": "Codetest", "url": "https://example.org/codetest"},
            actor=maintainer,
            lock_version=submission.version,
        )
        # A value the form cannot send, as an old or hand-edited document may hold.
        submission.document = {**submission.document, "hosting_models": [{"model": "cloud"}]}
        session.flush()
        issues = submissions.check_document(session, submission)
        assert [(i["key"], i["code"]) for i in issues] == [
            ("hosting_models[0].model", ErrorCode.DOCUMENT_FIELD.value)
        ]
        with pytest.raises(ValidationError) as refused:
            submissions.submit_for_review(session, submission.id, actor=maintainer)
        [error] = refused.value.errors["hosting_models[0].model"]
        assert isinstance(error, FieldError) and error.code == ErrorCode.DOCUMENT_FIELD
        assert error.startswith("hosting_models[0].model: ") and "cloud" in error


def test_an_edit_stays_unpublished_until_approved_and_conflicts_after_another_change(
    app: Any, people: dict[str, Account]
) -> None:
    made = _own_component(app)
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        maintainer = _user(session, people["maintainer"])
        renamed = get_component(session, made).name + " (nieuw)"
        before = get_component(session, made).license
        first = submissions.start_update(session, made, actor=maintainer)
        second = submissions.start_update(session, made, actor=maintainer)
        submissions.save_step(
            session,
            first.id,
            "licence",
            {"license": "MIT"},
            actor=maintainer,
            lock_version=first.version,
        )
        submissions.save_step(
            session,
            second.id,
            "basics",
            {"name": renamed, "url": get_component(session, made).url},
            actor=maintainer,
            lock_version=second.version,
        )
        submissions.submit_for_review(session, first.id, actor=maintainer)
        submissions.submit_for_review(session, second.id, actor=maintainer)
        assert get_component(session, made).license == before  # still the published one
        ids = first.id, second.id
    with database.session() as session:
        reviewer = _user(session, people["reviewer"])
        submissions.approve(session, ids[0], actor=reviewer)
    with database.session() as session:
        reviewer = _user(session, people["reviewer"])
        with pytest.raises(Conflict):
            submissions.approve(session, ids[1], actor=reviewer)
    with database.session() as session:
        reviewer = _user(session, people["reviewer"])
        view = submissions.conflict_view(session, ids[1], actor=reviewer)
        assert [f for f, _a, _b in view.theirs] == ["license"]
        assert [f for f, _a, _b in view.mine] == [
            "name"
        ]  # only its own change, not the old licence
        submissions.rebase(session, ids[1], actor=reviewer)
        submissions.approve(session, ids[1], actor=reviewer)
        component = get_component(session, made)
        assert component.license == "MIT"  # rebase keeps the published change ...
        assert component.name == renamed  # ... and this submission's own
        numbers = session.scalars(
            select(Revision.number).where(Revision.component_id == component.id)
        )
        assert sorted(numbers) == [1, 2]


def test_a_rejection_and_its_reason_are_public(app: Any, people: dict[str, Account]) -> None:
    made = _own_component(app)
    with app.extensions["catalogue_db"].session() as session:
        maintainer = _user(session, people["maintainer"])
        change = submissions.start_update(session, made, actor=maintainer)
        submissions.submit_for_review(session, change.id, actor=maintainer)
        reviewer = _user(session, people["reviewer"])
        with pytest.raises(ValidationError):
            submissions.reject(session, change.id, actor=reviewer, reason="  ")
        submissions.reject(
            session, change.id, actor=reviewer, reason="De licentie klopt niet met de repository."
        )
        status = submissions.latest_status(session, get_component(session, made))
        assert status is not None and status.status == "rejected"
        assert status.reason == "De licentie klopt niet met de repository."
    page = app.test_client().get(f"/componenten/{made}/geschiedenis")
    assert page.status_code == 200


def test_maintainers_only_touch_their_own_organisations_components(
    app: Any, people: dict[str, Account]
) -> None:
    made = _own_component(app)
    with app.extensions["catalogue_db"].session() as session:
        with pytest.raises(NotAuthorized):
            submissions.start_update(session, made, actor=_user(session, people["supplier"]))
        with pytest.raises(NotAuthorized):
            submissions.approve(session, 1, actor=_user(session, people["maintainer"]))
        assert submissions.start_update(session, made, actor=_user(session, people["reviewer"]))


def test_the_api_replaces_its_own_open_submission_instead_of_piling_up(
    app: Any, people: dict[str, Account]
) -> None:
    text = (ROOT / "data" / "publiccode" / "dutch" / "Amsterdam__signals-frontend.yml").read_bytes()
    with app.extensions["catalogue_db"].session() as session:
        maintainer = _user(session, people["maintainer"])
        first = submissions.start_from_publiccode(
            session,
            text,
            actor=maintainer,
            source_name="ci",
            origin=SubmissionOrigin.API,
            target_slug=COMPONENT,
            submit=True,
        )
        second = submissions.start_from_publiccode(
            session,
            text,
            actor=maintainer,
            source_name="ci",
            origin=SubmissionOrigin.API,
            target_slug=COMPONENT,
            submit=True,
        )
        assert first.id == second.id and second.status == SubmissionStatus.SUBMITTED
        with pytest.raises(
            NotAuthorized
        ):  # not Amsterdam's component: refused before anything else
            submissions.start_from_publiccode(
                session,
                text,
                actor=maintainer,
                source_name="ci",
                origin=SubmissionOrigin.API,
                target_slug="open-zaak",
            )
        with pytest.raises(ValidationError):  # a reviewer may, but the file is another repository
            submissions.start_from_publiccode(
                session,
                text,
                actor=_user(session, people["reviewer"]),
                source_name="ci",
                origin=SubmissionOrigin.API,
                target_slug="open-zaak",
            )


def test_a_municipality_disputes_a_claim_and_upholding_it_removes_the_claim(
    app: Any, people: dict[str, Account]
) -> None:
    with app.extensions["catalogue_db"].session() as session:
        maintainer = _user(session, people["maintainer"])
        claim = disputes.claims_of(get_component(session, COMPONENT))[0]
        with pytest.raises(NotAuthorized):
            disputes.open_dispute(
                session,
                COMPONENT,
                claim_key=claim.key,
                reason="x",
                actor=_user(session, people["supplier"]),
            )
        dispute = disputes.open_dispute(
            session,
            COMPONENT,
            claim_key=claim.key,
            reason="Wij gebruiken het niet zo.",
            actor=maintainer,
        )
        assert dispute.claim_source  # who made the claim is kept with the dispute
        with pytest.raises(ValidationError):
            disputes.open_dispute(
                session, COMPONENT, claim_key=claim.key, reason="nog eens", actor=maintainer
            )
        with pytest.raises(NotAuthorized):
            disputes.resolve(
                session, dispute.id, outcome="upheld", resolution="x", actor=maintainer
            )
        disputes.resolve(
            session,
            dispute.id,
            outcome="upheld",
            resolution="Klopt, de claim gaat eruit.",
            actor=_user(session, people["outside_reviewer"]),
        )
        component = get_component(session, COMPONENT)
        assert all(c.key != claim.key for c in disputes.claims_of(component))
        revision = session.scalar(select(Revision).where(Revision.component_id == component.id))
        assert revision.origin == "dispute" and "reference_components" in [
            c[0] for c in revision.changes
        ]
        assert session.get(Dispute, dispute.id).status == "upheld"


def test_merging_components_and_organisations_moves_everything(
    app: Any, people: dict[str, Account]
) -> None:
    with app.extensions["catalogue_db"].session() as session:
        admin = _user(session, people["admin"])
        duplicate = get_component(session, "open-notificaties")
        keep = get_component(session, "open-zaak")
        usages = len(duplicate.usages) + len(keep.usages)
        assert usages
        with pytest.raises(NotAuthorized):
            curation.merge_components(
                session,
                duplicate_slug="open-notificaties",
                keep_slug="open-zaak",
                actor=_user(session, people["reviewer"]),
            )
        kept = curation.merge_components(
            session, duplicate_slug="open-notificaties", keep_slug="open-zaak", actor=admin
        )
        assert "Open Notificaties" in kept.aliases
        assert (
            session.scalar(select(Component).where(Component.slug == "open-notificaties")) is None
        )
        moved = session.scalar(select(func.count(Usage.id)).where(Usage.component_id == kept.id))
        assert 0 < moved <= usages
        merge = session.scalar(select(Revision).where(Revision.origin == "merge"))
        assert merge.document["slug"] == "open-notificaties"  # the duplicate's facts are kept
        supplier = curation.save_organisation(
            session, {"name": "Maykin dubbel", "kind": "supplier"}, actor=admin
        )
        maykin = session.scalar(select(Organisation).where(Organisation.slug == "maykin-media"))
        maintained = session.scalar(
            select(func.count(Component.id)).where(
                Component.maintaining_organisation_id == maykin.id
            )
        )
        curation.merge_organisations(
            session, duplicate_id=maykin.id, keep_id=supplier.id, actor=admin
        )
        assert session.get(Organisation, maykin.id) is None
        assert (
            session.scalar(
                select(func.count(Component.id)).where(
                    Component.maintaining_organisation_id == supplier.id
                )
            )
            == maintained
        )


def test_tokens_are_hashed_scoped_and_revocable(app: Any, people: dict[str, Account]) -> None:
    with app.extensions["catalogue_db"].session() as session:
        maintainer = _user(session, people["maintainer"])
        token, secret = accounts.create_token(
            session, actor=maintainer, name="CI", scopes=["submissions:write"]
        )
        assert secret not in token.token_hash and len(token.token_hash) == 64
        assert (
            accounts.user_for_token(session, secret, scope=accounts.TokenScope.SUBMIT).id
            == maintainer.id
        )
        assert (
            accounts.user_for_token(session, secret + "x", scope=accounts.TokenScope.SUBMIT) is None
        )
        with pytest.raises(NotAuthorized):
            accounts.revoke_token(session, token.id, actor=_user(session, people["supplier"]))
        accounts.revoke_token(session, token.id, actor=maintainer)
        assert accounts.user_for_token(session, secret, scope=accounts.TokenScope.SUBMIT) is None
        kinds = list(
            session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("token_%")))
        )
        assert {"token_created", "token_used", "token_refused", "token_revoked"} <= set(kinds)


def test_role_changes_end_sessions_and_are_for_admins_only(
    app: Any, people: dict[str, Account]
) -> None:
    with app.extensions["catalogue_db"].session() as session:
        admin = _user(session, people["admin"])
        old_session = people["maintainer"].session_id
        with pytest.raises(NotAuthorized):
            accounts.change_role(
                session, people["supplier"].id, "admin", actor=_user(session, people["reviewer"])
            )
        accounts.change_role(session, people["maintainer"].id, "reviewer", actor=admin)
        assert accounts.user_for_session_id(session, old_session) is None
        with pytest.raises(ValidationError):
            accounts.change_role(session, admin.id, "maintainer", actor=admin)
        with pytest.raises(NotAuthorized):
            accounts.register(
                session,
                email="x@example.org",
                password="een lange goede zin hier",  # noqa: S106 - a test password
                organisation_id=admin.organisation_id,
                role="admin",
            )
        with pytest.raises(ValidationError) as refused:
            accounts.register(
                session,
                email=people["admin"].email.upper(),
                password="kort",  # noqa: S106 - a test password
                organisation_id=None,
            )
        assert set(refused.value.errors) == {"email", "password", "organisation"}
