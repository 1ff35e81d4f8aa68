"""The form in steps: each step's form filled from the submission's document, the pickers of
GEMMA elements and components, saving a step (with the lock against a concurrent save), and
where to go next."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import redirect, render_template, request, url_for

from catalogue.documents import as_date
from catalogue.errors import ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import Submission
from catalogue.services import submissions
from catalogue.services.permissions import Permission
from catalogue.web.auth import requires, signed_in
from catalogue.web.context import db_session
from catalogue.web.contribute.blueprint import bp
from catalogue.web.contribute.display import SLUG_OF_STEP, STEP_SLUGS, STEP_TITLES
from catalogue.web.forms import (
    BasicsForm,
    DescriptionsForm,
    HostingForm,
    LicenceForm,
    PickerForm,
    copy_errors,
    lock_of,
    options,
)


def _step_form(step: str, submission: Submission, *, formdata: Any = None) -> Any:
    """The step's form, filled from the submission's document (or from the request)."""
    document = submission.document
    lock = {"lock_version": submission.version}
    if step == "basics":
        initial = {key: document.get(key) or "" for key in submissions.STEP_KEYS["basics"]}
        initial["release_date"] = as_date(document.get("release_date"))
        for key in ("platforms", "categories"):
            initial[key] = "\n".join(str(v) for v in document.get(key) or [])
        form = BasicsForm(formdata=formdata, data={**initial, **lock})
        if submission.component_id is not None:
            form.url.render_kw = {"readonly": True}
        return form
    if step in ("reference_components", "standards"):
        return PickerForm(formdata=formdata, data=lock)
    if step == "hosting":
        models = [h.get("model") for h in document.get("hosting_models") or []]
        return HostingForm(formdata=formdata, data={"hosting_models": models, **lock})
    if step == "licence":
        maintenance = document.get("maintenance") or {}
        return LicenceForm(
            formdata=formdata,
            data={
                "license": document.get("license") or "",
                "maintenance_type": maintenance.get("type") or "",
                "main_copyright_owner": document.get("main_copyright_owner") or "",
                "repo_owner": document.get("repo_owner") or "",
                **lock,
            },
        )
    descriptions = document.get("descriptions") or {}
    initial: dict[str, Any] = {}
    for language in submissions.DESCRIPTION_LANGUAGES:
        texts = descriptions.get(language) or {}
        initial[f"{language}_short_description"] = texts.get("short_description") or ""
        initial[f"{language}_long_description"] = texts.get("long_description") or ""
        initial[f"{language}_features"] = "\n".join(texts.get("features") or [])
    initial["documentation"] = (descriptions.get("nl") or {}).get("documentation") or ""
    return DescriptionsForm(formdata=formdata, data={**initial, **lock})


def _picker_choices(
    step: str, form: PickerForm, submission: Submission, q: str, q2: str
) -> dict[str, Any]:
    """Fill the checkboxes: what is chosen now, then what the search found."""
    database = db_session()
    document = submission.document
    if step == "reference_components":
        chosen = {
            link["gemma_id"]: link.get("name") or link["gemma_id"]
            for link in document.get("reference_components") or []
        }
        found = {e.gemma_id: e.name for e in submissions.search_reference_components(database, q)}
        form.chosen.choices = options({**chosen, **found}.items())
        if not form.is_submitted():
            form.chosen.data = list(chosen)
        return {"found": found, "chosen": chosen}
    standards = {
        submissions.standard_key(s): s.get("name") for s in document.get("standards") or []
    }
    found_standards = {e.gemma_id: e.name for e in submissions.search_standards(database, q)}
    requires = [r.get("component") for r in document.get("requires") or []]
    by_slug = submissions.components_by_slug(database, requires)
    required = {slug: (by_slug[slug].name if slug in by_slug else slug) for slug in requires}
    own = document.get("slug")
    found_components = {
        c.slug: c.name for c in submissions.find_components_by_name(database, q2) if c.slug != own
    }
    form.chosen.choices = options({**standards, **found_standards}.items())
    form.second.choices = options({**required, **found_components}.items())
    if not form.is_submitted():
        form.chosen.data = list(standards)
        form.second.data = list(required)
    return {"found": found_standards, "found2": found_components}


def _step_data(step: str, form: Any) -> dict[str, Any]:
    if step == "reference_components":
        return {"reference_components": form.chosen.data or []}
    if step == "standards":
        return {"standards": form.chosen.data or [], "requires": form.second.data or []}
    if step == "hosting":
        return {"hosting_models": form.hosting_models.data or []}
    return {
        # A date goes into the document as ISO text, as publiccode.yml writes it.
        name: field.data.isoformat() if isinstance(field.data, dt.date) else field.data
        for name, field in form._fields.items()  # noqa: SLF001
        if name not in ("csrf_token", "lock_version")
    }


STEP_ERROR_FIELDS = {
    "reference_components": {"reference_components": "chosen"},
    "standards": {"standards": "chosen", "requires": "second"},
}


@bp.route("/bijdragen/<int:submission_id>/<slug>", methods=["GET", "POST"])
@requires(Permission.SUBMIT)
def step(submission_id: int, slug: str) -> Any:
    """One step of the form. Saving keeps the concept; "search" saves and searches."""
    step_name = STEP_SLUGS.get(slug)
    if step_name is None:
        raise NotFound(FieldError(ErrorCode.STEP_UNKNOWN, step=slug))
    user = signed_in()
    database = db_session()
    submission = submissions.get_submission(database, submission_id, actor=user)
    if submission.status not in submissions.EDITABLE:
        return redirect(url_for("contribute.preview", submission_id=submission_id))
    form = _step_form(
        step_name, submission, formdata=request.form if request.method == "POST" else None
    )
    q, q2 = request.args.get("zoek", "")[:100], request.args.get("zoek2", "")[:100]
    picker = {}
    if step_name in ("reference_components", "standards"):
        if request.method == "POST":
            q, q2 = request.form.get("zoek", "")[:100], request.form.get("zoek2", "")[:100]
        picker = _picker_choices(step_name, form, submission, q, q2)
    status = 200
    conflict = None
    if request.method == "POST":
        if form.validate_on_submit():
            # The page always sends the version it showed; a post without it is as stale as
            # one with an old version (issue 10: the lock was skipped when the field was left out).
            if lock_of(form) != submission.version:
                conflict = {
                    key: submission.document.get(key) for key in submissions.STEP_KEYS[step_name]
                }
                form.lock_version.data = str(submission.version)
                status = 409
            else:
                try:
                    submissions.save_step(
                        database,
                        submission_id,
                        step_name,
                        _step_data(step_name, form),
                        actor=user,
                        lock_version=lock_of(form),
                    )
                except ValidationError as error:
                    database.rollback()
                    for message in copy_errors(
                        form, error.errors, fields=STEP_ERROR_FIELDS.get(step_name)
                    ):
                        form.form_errors.append(message)
                    status = 422
                else:
                    database.commit()
                    return redirect(_after_step(step_name, submission_id, q, q2))
        else:
            status = 422
    return render_template(
        "contribute/step.html",
        form=form,
        submission=submission,
        step=step_name,
        slug=slug,
        steps=[(SLUG_OF_STEP[s], STEP_TITLES[s], s == step_name) for s in submissions.STEPS],
        title=STEP_TITLES[step_name],
        picker=picker,
        q=q,
        q2=q2,
        conflict=conflict,
    ), status


def _after_step(step_name: str, submission_id: int, q: str, q2: str) -> str:
    action = request.form.get("action", "next")
    if action == "search":
        arguments = {k: v for k, v in (("zoek", q), ("zoek2", q2)) if v}
        return (
            url_for(
                "contribute.step",
                submission_id=submission_id,
                slug=SLUG_OF_STEP[step_name],
                **arguments,
            )
            + "#kiezen"
        )
    if action == "preview":
        return url_for("contribute.preview", submission_id=submission_id)
    index = submissions.STEPS.index(step_name)
    if index + 1 < len(submissions.STEPS):
        return url_for(
            "contribute.step",
            submission_id=submission_id,
            slug=SLUG_OF_STEP[submissions.STEPS[index + 1]],
        )
    return url_for("contribute.preview", submission_id=submission_id)
