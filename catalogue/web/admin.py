"""Administration: accounts and roles, organisations, merging duplicates, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request, url_for

from catalogue.services import accounts, audit, curation
from catalogue.services.permissions import Permission
from catalogue.web.auth import actor, remote_addr, requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.forms import (
    MergeComponentsForm,
    MergeOrganisationsForm,
    OrganisationForm,
    UserForm,
    handle_form,
    options,
)

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.get("")
@requires(Permission.MANAGE_USERS)
def index() -> str:
    """What an admin can do here, and the latest events of the audit log."""
    user = signed_in()
    return render_template(
        "admin/index.html", events=audit.recent(db_session(), actor=user, limit=20)
    )


@bp.get("/accounts")
@requires(Permission.MANAGE_USERS)
def users() -> str:
    """Every account with its role and organisation."""
    user = signed_in()
    return render_template("admin/users.html", users=accounts.list_users(db_session(), actor=user))


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user(user_id: int) -> Any:
    """Change an account's role, organisation, confirmation or state."""
    admin = actor()
    assert admin is not None  # noqa: S101
    database = db_session()
    account = accounts.get_user(database, user_id)
    form = UserForm(
        data={
            "role": account.role,
            "organisation": account.organisation_id,
            "organisation_confirmed": account.organisation_confirmed,
            "active": account.active,
        }
    )
    form.organisation.choices = options(
        (o.id, o.name) for o in accounts.registrable_organisations(database)
    )

    def save() -> str:
        accounts.change_role(
            database, user_id, form.role.data or "", actor=admin, remote_addr=remote_addr()
        )
        accounts.update_account(
            database,
            user_id,
            actor=admin,
            active=bool(form.active.data),
            organisation_id=form.organisation.data,
            organisation_confirmed=bool(form.organisation_confirmed.data),
            remote_addr=remote_addr(),
        )
        return url_for("admin.users")

    response, status = handle_form(form, save)
    if response is not None:
        return response
    return render_template("admin/user.html", account=account, form=form), status


@bp.route("/organisaties", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def organisations() -> Any:
    """Every organisation, and a form to add one."""
    admin = actor()
    assert admin is not None  # noqa: S101
    database = db_session()
    form = OrganisationForm()

    def save() -> str:
        organisation = curation.save_organisation(
            database, form.data, actor=admin, remote_addr=remote_addr()
        )
        return url_for("admin.organisation", organisation_id=organisation.id)

    response, status = handle_form(form, save)
    if response is not None:
        return response
    items = curation.list_organisations(database, actor=admin)
    return render_template("admin/organisations.html", items=items, form=form), status


@bp.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def organisation(organisation_id: int) -> Any:
    """Change an organisation's name, kind and website."""
    admin = actor()
    assert admin is not None  # noqa: S101
    database = db_session()
    item = curation.get_organisation(database, organisation_id, actor=admin)
    form = OrganisationForm(
        data={"name": item.name, "kind": item.kind, "website": item.website or ""}
    )

    def save() -> str:
        curation.save_organisation(
            database,
            form.data,
            actor=admin,
            organisation_id=organisation_id,
            remote_addr=remote_addr(),
        )
        return url_for("admin.organisations")

    response, status = handle_form(form, save)
    if response is not None:
        return response
    return render_template("admin/organisation.html", item=item, form=form), status


@bp.route("/samenvoegen/componenten", methods=["GET", "POST"])
@requires(Permission.MERGE)
def merge_components() -> Any:
    """Merge a duplicate component into another."""
    admin = actor()
    assert admin is not None  # noqa: S101
    database = db_session()
    form = MergeComponentsForm()
    pairs = [("", "—")] + [
        (c.slug, f"{c.name} ({c.url})") for c in curation.list_components(database, actor=admin)
    ]
    form.duplicate.choices = options(pairs)
    form.keep.choices = options(pairs)

    def merge() -> str:
        kept = curation.merge_components(
            database,
            duplicate_slug=form.duplicate.data or "",
            keep_slug=form.keep.data or "",
            actor=admin,
            remote_addr=remote_addr(),
        )
        return url_for("contribute.history", slug=kept.slug)

    response, status = handle_form(form, merge, unplaced_on_form=True)
    if response is not None:
        return response
    return render_template("admin/merge.html", form=form, what="components"), status


@bp.route("/samenvoegen/organisaties", methods=["GET", "POST"])
@requires(Permission.MERGE)
def merge_organisations() -> Any:
    """Merge a duplicate organisation into another."""
    admin = actor()
    assert admin is not None  # noqa: S101
    database = db_session()
    form = MergeOrganisationsForm()
    pairs = [(0, "—")] + [
        (o.id, f"{o.name} ({o.slug})") for o in curation.list_organisations(database, actor=admin)
    ]
    form.duplicate.choices = options(pairs)
    form.keep.choices = options(pairs)

    def merge() -> str:
        curation.merge_organisations(
            database,
            duplicate_id=form.duplicate.data or 0,
            keep_id=form.keep.data or 0,
            actor=admin,
            remote_addr=remote_addr(),
        )
        return url_for("admin.organisations")

    response, status = handle_form(form, merge, unplaced_on_form=True)
    if response is not None:
        return response
    return render_template("admin/merge.html", form=form, what="organisations"), status


@bp.get("/logboek")
@requires(Permission.VIEW_AUDIT)
def audit_log() -> str:
    """The audit log, newest first; ``soort`` filters on a kind of event."""
    admin = actor()
    assert admin is not None  # noqa: S101
    kind = request.args.get("soort") or None
    events = audit.recent(db_session(), actor=admin, kind=kind, limit=500)
    return render_template(
        "admin/audit.html", events=events, kind=kind, kinds=[k.value for k in audit.AuditKind]
    )


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    app.register_blueprint(bp)
