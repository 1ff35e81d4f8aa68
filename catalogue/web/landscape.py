"""An organisation's own landscape: the overview, upload with a preview, export, publishing
usage, the contract radar with its iCalendar feed, advice for the landscape and the peers.

Private: only confirmed members see any of it (catalogue/services/landscapes/ decides, with
``is_confirmed_member``). To everyone else every page here answers 404 with the same words,
whether the organisation has a landscape or not. No answer of this blueprint is ever cached:
the page cache only stores anonymous pages, and we also send ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from catalogue import ameff
from catalogue.errors import Conflict, ErrorCode, FieldError, ValidationError
from catalogue.models import OrgRole
from catalogue.services import landscapes
from catalogue.services.permissions import Permission
from catalogue.web.auth import actor, requires
from catalogue.web.context import db_session
from catalogue.web.forms import (
    LANDSCAPE_UPLOAD_BYTES,
    ActionForm,
    LandscapeComponentForm,
    LandscapeSaveForm,
    LandscapeUploadForm,
)

bp = Blueprint("landscape", __name__)
PREFIX = "/organisaties/<code>/landschap"


@bp.before_request
def _never_cache() -> None:
    g.no_page_cache = True


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _organisation(code: str) -> Any:
    return landscapes.organisation_for(db_session(), code)


def hosting_label(value: str | None) -> str:
    """A hosting form as people say it; unknown is "onbekend"."""
    labels = {"saas": "SaaS", "paas": "PaaS", "iaas": "IaaS", "on-premise": _("on-premise")}
    return labels.get(value or "", _("onbekend"))


def advice_arguments(
    organisation: Any,
    applications: list[ameff.Application],
    *,
    replace: ameff.Application | None = None,
) -> MultiDict[str, str]:
    """The advisor's profile for a landscape: what we run, and what it already covers.

    With ``replace``, that application's reference components are asked for again and no
    longer count as covered, so the plan proposes what could take its place.
    """
    arguments: MultiDict[str, str] = MultiDict()
    if organisation.cbs_code:
        arguments.add("gemeente", organisation.cbs_code)
    covered: set[str] = set()
    for app in applications:
        if app is replace:
            continue
        if app.component:
            arguments.add("heeft", app.component)
        covered.update(app.reference_components)
    wanted = set(replace.reference_components) if replace else set()
    if not wanted:
        wanted = {slug for app in applications for slug in app.reference_components}
    for slug in sorted(wanted):
        arguments.add("referentie", slug)
    for slug in sorted(covered - (set(replace.reference_components) if replace else set())):
        arguments.add("gedekt", slug)
    return arguments


@bp.get(PREFIX)
@requires(Permission.USE_LANDSCAPE)
def overview(code: str) -> str:
    """The landscape: applications, their contracts and GEMMA links, revisions, publishing."""
    session = db_session()
    organisation = _organisation(code)
    view = landscapes.landscape_of(session, organisation, actor=actor())
    references = landscapes.reference_index(session)
    return render_template(
        "landscape/overview.html",
        organisation=organisation,
        code=code,
        view=view,
        references=references,
        hosting_label=hosting_label,
        action=LandscapeComponentForm(),
    )


def _read_upload(form: LandscapeUploadForm) -> tuple[bytes, str]:
    upload = form.file.data
    return upload.read(LANDSCAPE_UPLOAD_BYTES + 1), upload.filename or "landschap.xml"


@bp.route(PREFIX + "/importeren", methods=["GET", "POST"])
@requires(Permission.USE_LANDSCAPE)
def upload(code: str) -> Any:
    """Upload an exchange file; a POST shows the preview and saves nothing."""
    session = db_session()
    organisation = _organisation(code)
    user = actor()
    landscapes.require_member(user, organisation, at_least=OrgRole.EDITOR)
    form = LandscapeUploadForm()
    problem = None
    if form.validate_on_submit():
        data, name = _read_upload(form)
        try:
            reading = landscapes.read_file(session, data)
        except ameff.AmeffError as error:
            problem = error
        else:
            view = landscapes.landscape_of(session, organisation, actor=user)
            save = LandscapeSaveForm(
                formdata=None,
                content=base64.b64encode(data).decode("ascii"),
                file_name=name,
                lock_version=str(view.version),
            )
            return render_template(
                "landscape/preview.html",
                organisation=organisation,
                code=code,
                reading=reading,
                current=view,
                references=landscapes.reference_index(session),
                hosting_label=hosting_label,
                form=save,
                file_name=name,
            )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "landscape/upload.html", organisation=organisation, code=code, form=form, problem=problem
    ), status


@bp.post(PREFIX + "/opslaan")
@requires(Permission.USE_LANDSCAPE)
def save(code: str) -> Any:
    """Save the previewed file as a new revision (the previous ones are kept)."""
    session = db_session()
    organisation = _organisation(code)
    user = actor()
    landscapes.require_member(user, organisation, at_least=OrgRole.EDITOR)
    form = LandscapeSaveForm()
    if not form.validate_on_submit():
        raise ValidationError({"content": [_("Upload het bestand opnieuw.")]})
    try:
        data = base64.b64decode(form.content.data, validate=True)
        expected = int(form.lock_version.data)
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"content": [_("Upload het bestand opnieuw.")]}) from error
    try:
        landscapes.import_file(
            session,
            organisation,
            data,
            actor=user,
            expected_version=expected,
            origin="import",
            note=(form.file_name.data or "")[:200] or None,
        )
    except ameff.AmeffError as error:
        raise ValidationError({"content": [_refusal(error)]}) from error
    except Conflict:
        session.rollback()
        return render_template("landscape/conflict.html", organisation=organisation, code=code), 409
    session.commit()
    return redirect(url_for("landscape.overview", code=code), 303)


def _refusal(error: ameff.AmeffError) -> FieldError:
    """The ArchiMate reader's refusal of a file as the field's refusal
    (``landscape_file_unreadable``): the reader's own code (``reason``) and ``params``, the
    place (``line``, ``column``; null when unknown) and its English text (``message``). The
    page words it anew in the reader's language (``messages.translate``)."""
    return FieldError(
        ErrorCode.LANDSCAPE_FILE_UNREADABLE,
        reason=error.code,
        params=dict(error.params),
        line=error.line,
        column=error.column,
        message=str(error),
    )


@bp.get(PREFIX + "/export.xml")
@requires(Permission.USE_LANDSCAPE)
def export(code: str) -> Response:
    """The landscape as an ArchiMate exchange file that opens in Archi."""
    organisation = _organisation(code)
    data = landscapes.export_file(
        db_session(),
        organisation,
        actor=actor(),
        view_name=_("Landschap per referentiecomponentgroep"),
        no_group=_("Zonder referentiecomponent"),
    )
    response = Response(data, mimetype="application/xml")
    filename = f"landschap-{organisation.cbs_code or organisation.slug}.xml"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post(PREFIX + "/publiceren")
@requires(Permission.USE_LANDSCAPE)
def publish(code: str) -> Any:
    """Publish "we use this component" as a sourced usage claim."""
    return _change_claim(code, landscapes.publish_usage)


@bp.post(PREFIX + "/intrekken")
@requires(Permission.USE_LANDSCAPE)
def withdraw(code: str) -> Any:
    """Withdraw a usage claim published from the landscape."""
    return _change_claim(code, landscapes.withdraw_usage)


def _change_claim(code: str, change: Any) -> Any:
    """Publish or withdraw one component's usage claim: editors only, then back to the overview."""
    form = LandscapeComponentForm()
    session, organisation = _member_post(
        code, form, at_least=OrgRole.EDITOR, refused={"component": [_("Kies een component.")]}
    )
    change(session, organisation, form.component.data, actor=actor())
    session.commit()
    return redirect(url_for("landscape.overview", code=code), 303)


def _member_post(
    code: str,
    form: Any,
    *,
    at_least: OrgRole = OrgRole.VIEWER,
    refused: dict[str, list[str]] | None = None,
) -> tuple[Any, Any]:
    """The start of every landscape POST: a member with that role, and a valid form."""
    session = db_session()
    organisation = _organisation(code)
    landscapes.require_member(actor(), organisation, at_least=at_least)
    if not form.validate_on_submit():
        raise ValidationError(refused or {"csrf_token": [_("Probeer het opnieuw.")]})
    return session, organisation


@bp.get(PREFIX + "/advies")
@requires(Permission.USE_LANDSCAPE)
def advice(code: str) -> Any:
    """One click to the advisor, with the landscape as "what we already run"."""
    organisation = _organisation(code)
    view = landscapes.landscape_of(db_session(), organisation, actor=actor())
    arguments = advice_arguments(organisation, view.applications)
    # The form, filled in: the landscape is "what we already run"; the member adds what is needed.
    arguments.poplist("referentie")
    query = urlencode(list(arguments.items(multi=True)))
    return redirect(url_for("advice.form") + "?" + query, 303)


@bp.get(PREFIX + "/gelijken")
@requires(Permission.USE_LANDSCAPE)
def peers(code: str) -> str:
    """Municipalities like ours (CBS size band, province) and what they use, from published
    claims only, each with its source."""
    organisation = _organisation(code)
    view = landscapes.peers(db_session(), organisation, actor=actor())
    return render_template("landscape/peers.html", organisation=organisation, code=code, view=view)


@bp.get(PREFIX + "/radar")
@requires(Permission.USE_LANDSCAPE)
def radar(code: str) -> str:
    """The contract radar: end dates and notice deadlines, the next 18 months highlighted."""
    session = db_session()
    organisation = _organisation(code)
    user = actor()
    view = landscapes.landscape_of(session, organisation, actor=user)
    deadlines = landscapes.radar(session, organisation, actor=user)
    plan = url_for("advice.plan")
    rows = []
    for deadline in deadlines:
        app = deadline.application
        asked = advice_arguments(organisation, view.applications, replace=app)
        base = advice_arguments(organisation, view.applications)
        alternatives = []
        for alternative in deadline.alternatives:
            link = None
            if app.component:
                arguments = base.copy()
                arguments.add("vervang", app.component)
                arguments.add("door", alternative.slug)
                link = plan + "?" + urlencode(list(arguments.items(multi=True)))
            alternatives.append((alternative, link))
        rows.append(
            {
                "deadline": deadline,
                "advice": plan + "?" + urlencode(list(asked.items(multi=True))),
                "alternatives": alternatives,
            }
        )
    return render_template(
        "landscape/radar.html",
        organisation=organisation,
        code=code,
        rows=rows,
        today=dt.datetime.now(dt.UTC).date(),
        has_feed=landscapes.has_feed(session, organisation, user),
        feed_url=None,
        action=ActionForm(),
    )


@bp.post(PREFIX + "/agenda")
@requires(Permission.USE_LANDSCAPE)
def create_feed(code: str) -> Any:
    """A new secret address of the notice-deadline calendar (older ones stop working)."""
    session, organisation = _member_post(code, ActionForm())
    secret = landscapes.create_feed(session, organisation, actor=actor())
    session.commit()
    feed_url = url_for("landscape.feed", secret=secret, _external=True)
    return render_template(
        "landscape/feed.html", organisation=organisation, code=code, feed_url=feed_url
    )


@bp.post(PREFIX + "/agenda/intrekken")
@requires(Permission.USE_LANDSCAPE)
def revoke_feed(code: str) -> Any:
    """Stop every calendar address of this member."""
    session, organisation = _member_post(code, ActionForm())
    landscapes.revoke_feeds(session, organisation, actor=actor())
    session.commit()
    return redirect(url_for("landscape.radar", code=code), 303)


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _uid(organisation: str, app: ameff.Application) -> str:
    """Stable across revisions, so a calendar updates an event instead of adding one."""
    key = f"{organisation}|{app.element or app.name}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def _fold(line: str) -> str:
    """RFC 5545 folds lines longer than 75 octets."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


@bp.get("/landschap/agenda/<secret>.ics")
def feed(secret: str) -> Response:
    """The notice deadlines as iCalendar, at a member's secret address (no login: calendar
    apps cannot log in). A revoked secret, or a member who left, gets 404."""
    session = db_session()
    organisation, deadlines = landscapes.feed_deadlines(session, secret)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Componentenwijzer//Contractradar//NL",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_text(_('Opzegtermijnen') + ' ' + organisation.name)}",
    ]
    for deadline in deadlines:
        app = deadline.application
        day = deadline.notice_deadline or deadline.contract_end
        what = (
            _("Uiterste opzegdatum: %(name)s", name=app.name)
            if deadline.notice_deadline
            else _("Einde contract: %(name)s", name=app.name)
        )
        detail = _("Contract loopt af op %(date)s.", date=deadline.contract_end.isoformat())
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(organisation.slug, app)}@componentenwijzer",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_ical_text(what)}",
            f"DESCRIPTION:{_ical_text(detail)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    return Response(body, mimetype="text/calendar")


def init_app(app: Flask) -> None:
    """Register the blueprint and the link to one's own landscape."""
    app.register_blueprint(bp)
    # A template global rather than a context processor: nothing to make per page.
    app.jinja_env.globals["my_landscape"] = _my_landscape


def _my_landscape() -> str | None:
    """The link to the signed-in user's own landscape, None without one (the template function
    ``my_landscape``)."""
    code = landscapes.own_landscape_code(db_session(), actor())
    return url_for("landscape.overview", code=code) if code else None
