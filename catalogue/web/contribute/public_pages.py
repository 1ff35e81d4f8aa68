"""What everyone sees: a component's revision history and disputes, the form to dispute a claim,
the contribution panel on a component page and the menu's news badge."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _

from catalogue.errors import NotAuthorized
from catalogue.services import components as component_service
from catalogue.services import disputes as dispute_service
from catalogue.services import notices, submissions
from catalogue.services.component_read import ComponentRead
from catalogue.services.permissions import Permission, has, require_component_editor
from catalogue.web.auth import actor, remote_addr, requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.contribute.blueprint import bp
from catalogue.web.forms import DisputeForm, handle_form, options


@bp.get("/componenten/<slug>/geschiedenis")
def history(slug: str) -> str:
    """Every published change: the diff, who made it, who approved it, and each value's source."""
    database = db_session()
    component, revisions = submissions.history(database, slug)
    return render_template(
        "contribute/history.html",
        component=component,
        revisions=revisions,
        imports=submissions.imports_of(database, component),
        disputes=dispute_service.disputes_of(database, component),
    )


@bp.route("/componenten/<slug>/betwisten", methods=["GET", "POST"])
@requires(Permission.DISPUTE)
def dispute(slug: str) -> Any:
    """A municipality disputes a reference-component or standard claim."""
    user = signed_in()
    database = db_session()
    component = component_service.get_component(database, slug)
    claims = dispute_service.claims_of(component)
    form = DisputeForm()
    form.claim.choices = options((c.key, _claim_label(c)) for c in claims)
    allowed = dispute_service.may_dispute(user)

    def open_dispute() -> str:
        dispute_service.open_dispute(
            database,
            slug,
            claim_key=form.claim.data or "",
            reason=form.reason.data or "",
            actor=user,
            remote_addr=remote_addr(),
        )
        return url_for("contribute.history", slug=slug) + "#betwistingen"

    if allowed:
        response, status = handle_form(form, open_dispute)
        if response is not None:
            return response
    else:
        status = 403 if form.is_submitted() else 200
    return render_template(
        "contribute/dispute.html", component=component, form=form, allowed=allowed, claims=claims
    ), status


def _claim_label(claim: dispute_service.Claim) -> str:
    kind = _("Referentiecomponent") if claim.kind == "reference_component" else _("Standaard")
    source = f" ({_('bron')}: {claim.source})" if claim.source else ""
    return f"{kind}: {claim.label}{source}"


# ---------------------------------------------------------------- the public status partial


def contribution_panel(read: ComponentRead) -> dict[str, Any]:
    """What ``contribute/_status.html`` shows: the component's last public submission or
    import, whether a change waits for review, the open disputes, and the reader's links."""
    component, contributions = read.component, read.contributions
    if contributions is None:
        msg = "read the component with contributions=True"
        raise ValueError(msg)
    user = actor()
    can_edit = False
    if user is not None and has(user, Permission.SUBMIT):
        try:
            require_component_editor(user, component.maintaining_organisation_id)
            can_edit = True
        except NotAuthorized:
            can_edit = False
    return {
        "status": submissions.latest_status(
            db_session(),
            component,
            submission=contributions.last_submission,
            record=contributions.last_import,
        ),
        "under_review": contributions.under_review,
        "open_disputes": contributions.open_disputes,
        "can_edit": can_edit,
        "can_dispute": user is not None
        and has(user, Permission.DISPUTE)
        and dispute_service.may_dispute(user),
    }


def submission_news() -> int:
    """For the menu's badge: how many of the user's submissions have unseen news (0 when none)."""
    user = actor()
    if user is None or not has(user, Permission.SUBMIT):
        return 0
    try:
        return notices.news_count(db_session(), user)
    except Exception:  # noqa: BLE001 - an error page must render even when the database cannot
        return 0
