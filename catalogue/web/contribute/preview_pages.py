"""The preview (a dry run) and what is done from it: submit for review, compare both versions,
rebase on the published version, and comment. The review pages show the same preview."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from catalogue.errors import ValidationError
from catalogue.models import SubmissionStatus
from catalogue.services import notices, submissions
from catalogue.services.permissions import Permission, has
from catalogue.web import notify
from catalogue.web.auth import remote_addr, requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.contribute.blueprint import bp
from catalogue.web.contribute.display import (
    HINTS,
    SLUG_OF_STEP,
    STEP_TITLES,
    issue_link_for,
    issue_message,
)
from catalogue.web.forms import ActionForm, CommentForm, lock_of


def preview_context(submission_id: int) -> dict[str, Any]:
    """What the preview shows; the review detail page shows the same."""
    user = signed_in()
    result = submissions.preview(db_session(), submission_id, actor=user)
    hints = [
        (str(HINTS[h.code][0]), h.points, SLUG_OF_STEP[HINTS[h.code][1]])
        for h in result.completeness.hints
        if h.code in HINTS
    ]
    return {
        "preview": result,
        "submission": result.submission,
        "hints": hints,
        "editable": result.submission.status in submissions.EDITABLE,
        "steps": [(SLUG_OF_STEP[s], STEP_TITLES[s], False) for s in submissions.STEPS],
        "issue_message": issue_message,
        "issue_link": issue_link_for(submission_id)
        if result.submission.status in submissions.EDITABLE
        else None,
        "comment_form": CommentForm(formdata=None),
        "action": ActionForm(formdata=None, data={"lock_version": result.submission.version}),
        "review_time": notices.expected_review_time(db_session()),
        "sends_mail": notify.sends_mail(),
        "just_submitted": request.args.get("ingediend") == "1"
        and result.submission.status == SubmissionStatus.SUBMITTED,
    }


@bp.get("/bijdragen/<int:submission_id>")
@requires(Permission.SUBMIT)
def preview(submission_id: int) -> str:
    """The dry run: what would change, every issue where it is, and the completeness score."""
    return render_template("contribute/preview.html", **preview_context(submission_id))


@bp.post("/bijdragen/<int:submission_id>/indienen")
@requires(Permission.SUBMIT)
def submit(submission_id: int) -> Any:
    """Hand the concept to the reviewers."""
    user = signed_in()
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    database = db_session()
    try:
        submissions.submit_for_review(
            database,
            submission_id,
            actor=user,
            lock_version=lock_of(form),
            remote_addr=remote_addr(),
        )
    except ValidationError:
        database.rollback()
        context = preview_context(submission_id)
        context["submit_failed"] = True
        return render_template("contribute/preview.html", **context), 422
    database.commit()
    submission = submissions.get_submission(database, submission_id, actor=user)
    notify.submission_submitted(submission, author_email=user.email)
    return redirect(url_for("contribute.preview", submission_id=submission_id, ingediend=1))


@bp.get("/bijdragen/<int:submission_id>/conflict")
@requires(Permission.SUBMIT)
def conflict(submission_id: int) -> str:
    """Both versions: the one published now and the one proposed, with who changed what."""
    user = signed_in()
    view = submissions.conflict_view(db_session(), submission_id, actor=user)
    return render_template(
        "contribute/conflict.html",
        view=view,
        action=ActionForm(formdata=None, data={"lock_version": view.submission.version}),
    )


@bp.post("/bijdragen/<int:submission_id>/bijwerken")
@requires(Permission.SUBMIT)
def rebase(submission_id: int) -> Response:
    """Start again from the version published now, keeping this submission's own changes."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    database = db_session()
    submissions.rebase(database, submission_id, actor=user)
    database.commit()
    if has(user, Permission.REVIEW) and request.form.get("back") == "review":
        return redirect(url_for("review.detail", submission_id=submission_id))
    return redirect(url_for("contribute.preview", submission_id=submission_id))


@bp.post("/bijdragen/<int:submission_id>/reactie")
@requires(Permission.COMMENT)
def comment(submission_id: int) -> Any:
    """Comment on a submission (author's organisation and reviewers)."""
    user = signed_in()
    form = CommentForm()
    database = db_session()
    if form.validate_on_submit():
        note = submissions.comment(database, submission_id, actor=user, body=form.body.data or "")
        database.commit()
        notify.submission_commented(note.submission, commenter_id=user.id)
    else:
        submissions.get_submission(database, submission_id, actor=user)  # 403/404 before 422
        context = preview_context(submission_id)
        context["comment_form"] = form
        return render_template("contribute/preview.html", **context), 422
    if request.form.get("back") == "review" and has(user, Permission.REVIEW):
        return redirect(url_for("review.detail", submission_id=submission_id) + "#reacties")
    return redirect(url_for("contribute.preview", submission_id=submission_id) + "#reacties")
