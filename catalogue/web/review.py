"""Review: the queue, a submission with its diff and issues, decisions, comments and disputes.

Approving publishes through the service; when the component changed since the submission
started, the reviewer gets a conflict page with both versions and nothing is written.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, render_template, url_for

from catalogue.errors import Conflict, ValidationError
from catalogue.services import disputes as dispute_service
from catalogue.services import submissions
from catalogue.services.permissions import Permission
from catalogue.web import notify
from catalogue.web.auth import remote_addr, requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.contribute import preview_context
from catalogue.web.forms import (
    ActionForm,
    DecisionForm,
    ResolveDisputeForm,
    copy_errors,
    handle_form,
    lock_of,
)
from catalogue.web.messages import translate_error

bp = Blueprint("review", __name__, url_prefix="/beoordelen")


@bp.get("")
@requires(Permission.REVIEW)
def queue() -> str:
    """Submissions waiting for review, the latest decisions, and open disputes."""
    user = signed_in()
    database = db_session()
    waiting, decided = submissions.review_queue(database, actor=user)
    open_disputes = dispute_service.open_disputes(database, actor=user)
    return render_template(
        "review/queue.html", waiting=waiting, decided=decided, disputes=open_disputes
    )


@bp.route("/<int:submission_id>", methods=["GET", "POST"])
@requires(Permission.REVIEW)
def detail(submission_id: int) -> Any:
    """A submission with its diff, issues and comments, and the decision form."""
    user = signed_in()
    database = db_session()
    context = preview_context(submission_id)
    form = DecisionForm(data={"lock_version": context["submission"].version})
    status = 200
    if form.validate_on_submit():
        decision = form.decision.data
        reason = form.reason.data or ""
        try:
            if decision == "approve":
                submissions.approve(
                    database,
                    submission_id,
                    actor=user,
                    note=reason,
                    lock_version=lock_of(form),
                    remote_addr=remote_addr(),
                )
            elif decision == "reject":
                submissions.reject(
                    database,
                    submission_id,
                    actor=user,
                    reason=reason,
                    lock_version=lock_of(form),
                    remote_addr=remote_addr(),
                )
            else:
                submissions.request_changes(
                    database,
                    submission_id,
                    actor=user,
                    reason=reason,
                    lock_version=lock_of(form),
                    remote_addr=remote_addr(),
                )
        except ValidationError as error:
            database.rollback()
            context = preview_context(submission_id)
            unplaced = copy_errors(form, error.errors)
            form.form_errors.extend(unplaced)
            status = 422
        except Conflict as error:
            database.rollback()
            view = submissions.conflict_view(database, submission_id, actor=user)
            return render_template(
                "review/conflict.html",
                view=view,
                reason=translate_error(error),
                action=ActionForm(formdata=None, data={"lock_version": view.submission.version}),
            ), 409
        else:
            database.commit()
            notify.submission_decided(
                submissions.get_submission(database, submission_id, actor=user)
            )
            return redirect(url_for("review.detail", submission_id=submission_id))
    elif form.is_submitted():
        status = 422
    return render_template("review/detail.html", decision_form=form, **context), status


@bp.route("/betwistingen/<int:dispute_id>", methods=["GET", "POST"])
@requires(Permission.RESOLVE_DISPUTE)
def dispute(dispute_id: int) -> Any:
    """A dispute about a claim, and the form to uphold or dismiss it."""
    user = signed_in()
    database = db_session()
    item = dispute_service.get_dispute(database, dispute_id)
    form = ResolveDisputeForm()

    def resolve() -> str:
        dispute_service.resolve(
            database,
            dispute_id,
            outcome=form.outcome.data or "",
            resolution=form.resolution.data or "",
            actor=user,
            remote_addr=remote_addr(),
        )
        return url_for("review.queue") + "#betwistingen"

    response, status = handle_form(form, resolve)
    if response is not None:
        return response
    return render_template("review/dispute.html", dispute=item, form=form), status


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    app.register_blueprint(bp)
