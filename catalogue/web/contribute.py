"""Contributing: the form in steps, upload or paste of a publiccode.yml, the preview (a dry run),
"my submissions", the public revision history, disputes, and the status partial.

Views parse, call a service, commit, then redirect, or re-render with the errors on the fields
and status 422. Pages never import SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from catalogue.documents import as_date
from catalogue.errors import ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import Submission, SubmissionOrigin, SubmissionStatus
from catalogue.rendering import markdown_to_html
from catalogue.services import components as component_service
from catalogue.services import disputes as dispute_service
from catalogue.services import notices, submissions
from catalogue.services.permissions import Permission, has, require_component_editor
from catalogue.web import labels, notify
from catalogue.web.auth import actor, remote_addr, requires
from catalogue.web.context import db_session
from catalogue.web.forms import (
    ROLE_LABELS,
    ActionForm,
    BasicsForm,
    CommentForm,
    DescriptionsForm,
    DisputeForm,
    HostingForm,
    LicenceForm,
    PickerForm,
    PubliccodeForm,
    copy_errors,
    handle_form,
    lock_of,
    options,
    translate,
)

bp = Blueprint("contribute", __name__)

# URL slug of each step -> the service's step.
STEP_SLUGS = {
    "basis": "basics",
    "referentiecomponenten": "reference_components",
    "standaarden": "standards",
    "hosting": "hosting",
    "licentie": "licence",
    "beschrijvingen": "descriptions",
}
SLUG_OF_STEP = {step: slug for slug, step in STEP_SLUGS.items()}
STEP_TITLES = {
    "basics": _l("Basisgegevens"),
    "reference_components": _l("GEMMA-referentiecomponenten"),
    "standards": _l("Standaarden en afhankelijkheden"),
    "hosting": _l("Hosting"),
    "licence": _l("Licentie en onderhoud"),
    "descriptions": _l("Beschrijvingen"),
}
STATUS_LABELS = {
    SubmissionStatus.CONCEPT: _l("concept"),
    SubmissionStatus.SUBMITTED: _l("ingediend, wacht op beoordeling"),
    SubmissionStatus.CHANGES_REQUESTED: _l("wijzigingen gevraagd"),
    SubmissionStatus.REJECTED: _l("afgewezen"),
    SubmissionStatus.PUBLISHED: _l("gepubliceerd"),
    "accepted": _l("geïmporteerd"),
    "rejected": _l("afgewezen"),
}
ORIGIN_LABELS = {
    SubmissionOrigin.FORM: _l("formulier"),
    SubmissionOrigin.PUBLICCODE: _l("bestand publiccode.yml"),
    SubmissionOrigin.API: _l("API (publiccode.yml uit een pijplijn)"),
    "dispute": _l("betwisting"),
    "merge": _l("samenvoeging"),
}
COMMENT_KINDS = {
    "comment": _l("reactie"),
    "submitted": _l("ingediend"),
    "published": _l("goedgekeurd en gepubliceerd"),
    "rejected": _l("afgewezen"),
    "changes_requested": _l("wijzigingen gevraagd"),
    "rebased": _l("bijgewerkt naar de gepubliceerde versie"),
}
# Completeness hints: what to do, and the step where it is done.
HINTS = {
    "reference_component": (_l("Kies een GEMMA-referentiecomponent"), "reference_components"),
    "short_description_nl": (_l("Voeg een korte Nederlandse beschrijving toe"), "descriptions"),
    "long_description_nl": (
        _l("Voeg een uitgebreide Nederlandse beschrijving toe"),
        "descriptions",
    ),
    "description_en": (_l("Voeg een Engelse beschrijving toe"), "descriptions"),
    "license": (_l("Vul een geldige SPDX-licentie in"), "licence"),
    "long_description_en": (_l("Voeg een uitgebreide Engelse beschrijving toe"), "descriptions"),
    "features": (_l("Noem de belangrijkste functies"), "descriptions"),
    "standards": (_l("Noem de standaarden die het component ondersteunt"), "standards"),
    "common_ground_layer": (_l("Kies de Common Ground-laag"), "basics"),
    "hosting_models": (_l("Kies de hostingvormen"), "hosting"),
    "development_status": (_l("Kies de ontwikkelstatus"), "basics"),
    "maintenance": (_l("Zeg hoe het component onderhouden wordt"), "licence"),
    "landing_url": (_l("Voeg de website toe"), "basics"),
}
DISPUTE_STATUS = {
    "open": _l("nog open"),
    "upheld": _l("terecht, claim verwijderd"),
    "dismissed": _l("onterecht, claim blijft"),
}
FIELD_LABELS = {
    "name": _l("Naam"),
    "url": _l("Broncode"),
    "landing_url": _l("Website"),
    "license": _l("Licentie"),
    "development_status": _l("Ontwikkelstatus"),
    "software_type": _l("Soort software"),
    "common_ground_layer": _l("Common Ground-laag"),
    "descriptions": _l("Beschrijvingen"),
    "reference_components": _l("GEMMA-referentiecomponenten"),
    "standards": _l("Standaarden"),
    "requires": _l("Heeft nodig"),
    "hosting_models": _l("Hosting"),
    "maintenance": _l("Onderhoud"),
    "maintaining_organisation": _l("Beheerd door"),
    "localisation": _l("Talen"),
    "dependencies": _l("Software waarvan het afhankelijk is"),
    "platforms": _l("Platforms"),
    "categories": _l("Categorieën"),
    "software_version": _l("Versie"),
    "release_date": _l("Datum van uitgave"),
    "extra": _l("Overige gegevens"),
    "aliases": _l("Andere namen"),
    "main_copyright_owner": _l("Auteursrechthebbende"),
    "repo_owner": _l("Eigenaar van de repository"),
    "publiccode_version": _l("publiccode.yml-versie"),
    "logo": _l("Beeldmerk (logo)"),
    "roadmap": _l("Routekaart"),
    "technology_platform": _l("Technisch platform"),
}


# A document key -> the step and the form field where it is filled in. Messages link there.
FIELD_OF_KEY: dict[str, tuple[str, str]] = {
    **{key: ("basics", key) for key in submissions.STEP_KEYS["basics"]},
    "reference_components": ("reference_components", "kiezen"),
    "standards": ("standards", "kiezen"),
    "requires": ("standards", "kiezen"),
    "hosting_models": ("hosting", "hosting_models"),
    "license": ("licence", "license"),
    "maintenance": ("licence", "maintenance_type"),
    "main_copyright_owner": ("licence", "main_copyright_owner"),
    "repo_owner": ("licence", "repo_owner"),
    "descriptions": ("descriptions", "nl_short_description"),
}
_DESCRIPTION_FIELDS = {
    "shortDescription": "short_description",
    "short_description": "short_description",
    "longDescription": "long_description",
    "long_description": "long_description",
    "features": "features",
    "documentation": "documentation",
}


def issue_target(key: str | None) -> tuple[str, str] | None:
    """The step and form field a message's key points at; None when no form field fills it."""
    if not key:
        return None
    head = key.split(".")[0].split("[")[0]
    document_key = head if head in FIELD_OF_KEY else submissions.field_of_key(key)
    if document_key not in FIELD_OF_KEY:
        return None
    step, field = FIELD_OF_KEY[document_key]
    if document_key == "descriptions":
        # description.en.longDescription -> en_long_description
        parts = key.replace("[", ".").split(".")
        language = next((p for p in parts if p in submissions.DESCRIPTION_LANGUAGES), "nl")
        found = next((_DESCRIPTION_FIELDS[p] for p in parts if p in _DESCRIPTION_FIELDS), None)
        if found == "documentation":
            field = "documentation"
        elif found:
            field = f"{language}_{found}"
    return step, field


def issue_link_for(submission_id: int) -> Any:
    """``issue -> URL of its form field`` for one submission (None when no field fills it)."""

    def link(issue: Mapping[str, Any]) -> str | None:
        target = issue_target(issue.get("key"))
        if target is None:
            return None
        step, field = target
        return (
            url_for("contribute.step", submission_id=submission_id, slug=SLUG_OF_STEP[step])
            + "#"
            + field
        )

    return link


def show_value(value: Any) -> str:
    """A document value as plain text for a diff cell ("—" when empty)."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "; ".join(show_value(v) for v in value)
    if isinstance(value, Mapping):
        # Links read as what they point at: a GEMMA element or standard, a hosting form, a component.
        if value.get("name") and ("gemma_id" in value or "version" in value):
            return " ".join(str(v) for v in (value["name"], value.get("version")) if v)
        if value.get("model"):
            return str(labels.HOSTING.get(str(value["model"]), value["model"]))
        if value.get("component"):
            return str(value["component"])
        parts = [
            f"{k}: {show_value(v)}"
            for k, v in value.items()
            if v not in (None, "", [], {}) and k not in ("source", "basis")
        ]
        return ", ".join(parts) or "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    return str(value)


def issue_message(issue: Mapping[str, Any]) -> str:
    """An issue's message in the reader's language: a check's code through gettext, a
    publiccode.yml issue in the language the parser wrote it in."""
    if "params" in issue:
        return translate(submissions.issue_error(issue))
    if g.get("lang", "nl") == "nl" and issue.get("message_nl"):
        return str(issue["message_nl"])
    return str(issue.get("message") or "")


# ---------------------------------------------------------------- my submissions and starting


@bp.get("/bijdragen")
@requires(Permission.SUBMIT)
def index() -> str:
    """My submissions and my organisation's, and the ways to start a new one."""
    user = actor()
    assert user is not None  # noqa: S101 - @requires let only logged-in users in
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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


# ---------------------------------------------------------------- the steps


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
    user = actor()
    assert user is not None  # noqa: S101
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


# ---------------------------------------------------------------- preview, submit, rebase


def preview_context(submission_id: int) -> dict[str, Any]:
    """What the preview shows; the review detail page shows the same."""
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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
    user = actor()
    assert user is not None  # noqa: S101
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


# ---------------------------------------------------------------- public: history and disputes


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
    user = actor()
    assert user is not None  # noqa: S101
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


def contribution_panel(component: Any) -> dict[str, Any]:
    """What ``contribute/_status.html`` shows on a component page."""
    database = db_session()
    user = actor()
    last, waiting = submissions.public_submissions(database, component)
    status = submissions.latest_status(database, component, submission=last)
    can_edit = False
    if user is not None and has(user, Permission.SUBMIT):
        try:
            require_component_editor(user, component.maintaining_organisation_id)
            can_edit = True
        except Exception:  # noqa: BLE001 - NotAuthorized: simply no edit link
            can_edit = False
    return {
        "status": status,
        "under_review": waiting is not None,
        "disputes": [
            d for d in dispute_service.disputes_of(database, component) if d.status == "open"
        ],
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


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        contribution_panel=contribution_panel,
        submission_news=submission_news,
        submission_status_label=lambda code: str(STATUS_LABELS.get(code, code)),
        origin_label=lambda code: str(ORIGIN_LABELS.get(code, code)),
        comment_kind_label=lambda code: str(COMMENT_KINDS.get(code, code)),
        field_label=lambda code: str(FIELD_LABELS.get(code, code)),
        role_label=lambda code: str(ROLE_LABELS.get(code, code)),
        dispute_status_label=lambda code: str(DISPUTE_STATUS.get(code, code)),
    )
    app.jinja_env.filters["show_value"] = show_value
    app.jinja_env.filters["markdown_html"] = markdown_to_html
