"""Starting and renewing a submission: "my submissions", a new concept, a change to a published
component, and a publiccode.yml uploaded or pasted (a new submission, or a new version of the file
for an open one, shown as a difference first)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue.errors import ValidationError
from catalogue.services import components as component_service
from catalogue.services import notices, submissions
from catalogue.services.permissions import Permission, require_component_editor
from catalogue.web import notify
from catalogue.web.auth import requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.contribute.blueprint import bp
from catalogue.web.contribute.display import issue_message
from catalogue.web.forms import ActionForm, PubliccodeForm, lock_of, translate


@bp.get("/bijdragen")
@requires(Permission.SUBMIT)
def index() -> str:
    """My submissions and my organisation's, and the ways to start a new one."""
    user = signed_in()
    database = db_session()
    items = submissions.my_submissions(database, actor=user)
    # What was new is marked on this visit; from now on it is seen, and the badge goes.
    news = notices.submissions_with_news(database, user)
    if news or user.news_seen_at is None:
        # The request's account is a detached copy (auth._load_user): keep it in step, so the
        # badge in this very page's menu is gone too.
        user.news_seen_at = notices.mark_news_seen(database, user.id)
        database.commit()
    return render_template(
        "contribute/index.html",
        items=items,
        news=news,
        action=ActionForm(),
        sends_mail=notify.sends_mail(),
    )


@bp.post("/bijdragen/nieuw")
@requires(Permission.SUBMIT)
def start() -> Response:
    """Start a concept for a new component and go to the first step."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    database = db_session()
    submission = submissions.start_new(database, actor=user)
    database.commit()
    return redirect(url_for("contribute.step", submission_id=submission.id, slug="basis"))


@bp.route("/componenten/<slug>/wijzigen", methods=["GET", "POST"])
@requires(Permission.SUBMIT)
def start_update(slug: str) -> Any:
    """Propose a change to a published component: it stays visible until the change is approved."""
    user = signed_in()
    database = db_session()
    component = component_service.get_component(database, slug)
    require_component_editor(user, component.maintaining_organisation_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        submission = submissions.start_update(database, slug, actor=user)
        database.commit()
        return redirect(url_for("contribute.step", submission_id=submission.id, slug="basis"))
    return render_template(
        "contribute/start_update.html", component=component, action=form, upload=PubliccodeForm()
    )


@bp.route("/bijdragen/publiccode", methods=["GET", "POST"])
@requires(Permission.SUBMIT)
def upload() -> Any:
    """Upload or paste a publiccode.yml; it goes through the lenient importer to the preview."""
    user = signed_in()
    form = PubliccodeForm()
    target = request.args.get("component") or None
    rejected: list[dict[str, Any]] = []
    problem = None
    if form.validate_on_submit():
        data: bytes | str
        if form.file.data:
            data = form.file.data.read(submissions_max_bytes() + 1)
            name = form.file.data.filename or "publiccode.yml"
        else:
            data = form.text.data or ""
            name = _("geplakte tekst")
        if not data:
            problem = _("Kies een bestand of plak de inhoud van publiccode.yml.")
        else:
            result = submissions.check_publiccode(data)
            open_one = (
                submissions.open_submission_for_file(db_session(), data, actor=user)
                if result.record is not None
                else None
            )
            if result.record is None:
                rejected = submissions.issues_of(result)
            elif open_one is not None:
                # A corrected file for a submission still open: update that one, after a look.
                return _reupload_page(open_one.id, data, name, user)
            else:
                database = db_session()
                try:
                    submission = submissions.start_from_publiccode(
                        database, data, actor=user, source_name=name, target_slug=target
                    )
                except ValidationError as error:
                    database.rollback()
                    problem = " ".join(
                        " ".join(translate(m) for m in ms) for ms in error.errors.values()
                    )
                else:
                    database.commit()
                    return redirect(url_for("contribute.preview", submission_id=submission.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "contribute/upload.html",
        form=form,
        rejected=rejected,
        problem=problem,
        target=target,
        issue_message=issue_message,
    ), status


def _read_upload(form: PubliccodeForm) -> tuple[bytes | str, str]:
    if form.file.data:
        return (
            form.file.data.read(submissions_max_bytes() + 1),
            form.file.data.filename or "publiccode.yml",
        )
    return form.text.data or "", _("geplakte tekst")


def _reupload_page(submission_id: int, data: bytes | str, name: str, user: Any) -> Any:
    """The difference a new file would make to an open submission, with a button to apply it."""
    database = db_session()
    try:
        outcome = submissions.reupload_publiccode(
            database, submission_id, data, actor=user, source_name=name, apply=False
        )
    except ValidationError as error:
        database.rollback()
        form = PubliccodeForm(formdata=None)
        problem = " ".join(" ".join(translate(m) for m in ms) for ms in error.errors.values())
        return render_template(
            "contribute/reupload.html",
            submission=submissions.get_submission(database, submission_id, actor=user),
            form=form,
            outcome=None,
            problem=problem,
            issue_message=issue_message,
        ), 422
    database.rollback()  # nothing is written before the maintainer agrees
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return render_template(
        "contribute/reupload.html",
        submission=outcome.submission,
        form=PubliccodeForm(formdata=None),
        outcome=outcome,
        text=text,
        name=name,
        problem=None,
        issue_message=issue_message,
    )


@bp.route("/bijdragen/<int:submission_id>/publiccode", methods=["GET", "POST"])
@requires(Permission.SUBMIT)
def reupload(submission_id: int) -> Any:
    """A new version of the file for an open submission: first the difference, then save."""
    user = signed_in()
    database = db_session()
    submission = submissions.get_submission(database, submission_id, actor=user)
    if submission.status not in submissions.EDITABLE:
        return redirect(url_for("contribute.preview", submission_id=submission_id))
    form = PubliccodeForm()
    if request.method == "POST" and request.form.get("confirm") == "1":
        if not form.validate_on_submit():
            abort(400)
        name = (request.form.get("name") or "publiccode.yml")[:200]
        try:
            submissions.reupload_publiccode(
                database,
                submission_id,
                form.text.data or "",
                actor=user,
                source_name=name,
                apply=True,
                lock_version=lock_of(ActionForm()),
            )
        except ValidationError:
            database.rollback()
            return _reupload_page(submission_id, form.text.data or "", name, user)
        database.commit()
        return redirect(url_for("contribute.preview", submission_id=submission_id, bijgewerkt=1))
    problem = None
    if form.validate_on_submit():
        data, name = _read_upload(form)
        if data:
            return _reupload_page(submission_id, data, name, user)
        problem = _("Kies een bestand of plak de inhoud van publiccode.yml.")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "contribute/reupload.html",
        submission=submission,
        form=form,
        outcome=None,
        problem=problem,
        issue_message=issue_message,
    ), status


def submissions_max_bytes() -> int:
    """The parser's size limit; we read one byte more so it can say the file is too large."""
    from catalogue.publiccode import MAX_BYTES

    return MAX_BYTES
