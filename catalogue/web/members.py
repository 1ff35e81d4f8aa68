"""Members of an organisation: the accounts waiting for confirmation, and the decision about each.

Membership is granted, never claimed: an admin (any organisation) or a confirmed beheerder (their
own) confirms, refuses or removes it. The services decide who may; every decision is audited.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, url_for

from catalogue.services import accounts
from catalogue.services.permissions import Permission
from catalogue.web.auth import remote_addr, requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.forms import ORG_ROLE_LABELS, MembershipForm, handle_form

bp = Blueprint("members", __name__, url_prefix="/organisatie/leden")


def _page(form: MembershipForm | None = None, chosen: int | None = None, status: int = 200) -> Any:
    user = signed_in()
    database = db_session()
    return render_template(
        "members/index.html",
        pending=accounts.pending_members(database, actor=user),
        members=accounts.confirmed_members(database, actor=user),
        form=form or MembershipForm(formdata=None),
        chosen=chosen,
        org_role_labels=ORG_ROLE_LABELS,
    ), status


@bp.get("")
@requires(Permission.CONFIRM_MEMBERS)
def index() -> Any:
    """The pending accounts first, then the confirmed members and their organisation roles."""
    return _page()


@bp.post("/<int:user_id>")
@requires(Permission.CONFIRM_MEMBERS)
def decide(user_id: int) -> Any:
    """Confirm, refuse or remove one account's membership."""
    user = signed_in()
    form = MembershipForm()
    database = db_session()

    def save() -> str:
        accounts.decide_membership(
            database,
            user_id,
            form.decision.data or "",
            actor=user,
            organisation_role=form.organisation_role.data or "",
            remote_addr=remote_addr(),
        )
        return url_for("members.index")

    response, status = handle_form(form, save)
    if response is not None:
        return response
    return _page(form, user_id, status)


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    app.register_blueprint(bp)
