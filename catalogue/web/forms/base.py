"""What every form shares: the ``Form`` base class (CSRF, no control characters), errors from the
services on the fields, the POST-validate-redirect loop, and the optimistic lock of a submission.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from catalogue.errors import ValidationError as ServiceValidationError
from catalogue.web.context import db_session
from catalogue.web.messages import translate

REQUIRED = _l("Vul dit veld in.")

# C0 control characters and DEL: PostgreSQL stores no NUL in text, and none of them belong in
# anything a person types. Tab, line feed and carriage return are allowed in text areas only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTER = _l("Dit veld bevat een teken dat hier niet mag (een stuurteken).")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """True when ``value`` holds a control character (line breaks count unless ``multiline``)."""
    return bool((_CONTROL if multiline else _CONTROL_OR_NEWLINE).search(value))


class Form(FlaskForm):  # type: ignore[misc]
    """Every form of the site: a FlaskForm (CSRF) that refuses control characters in any field.

    The refusal is a field error like any other, on every database, before a service sees it.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own validators, then no control characters anywhere."""
        valid = bool(super().validate(extra_validators=extra_validators))
        for field in self:
            if field.type in ("CSRFTokenField", "FileField"):
                continue
            multiline = field.type == "TextAreaField"
            values = field.raw_data or []
            if any(
                isinstance(v, str) and has_control_characters(v, multiline=multiline)
                for v in values
            ):
                field.errors = [*list(field.errors or []), str(CONTROL_CHARACTER)]
                valid = False
        return valid


def copy_errors(
    form: FlaskForm, errors: Mapping[str, list[str]], *, fields: Mapping[str, str] | None = None
) -> list[str]:
    """Put a ValidationError's messages on the form's fields; returns those that fit no field."""
    unplaced: list[str] = []
    for key, messages in errors.items():
        name = (fields or {}).get(key, key)
        field = getattr(form, name, None)
        translated = [translate(m) for m in messages]
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *translated]
        else:
            unplaced.extend(translated)
    return unplaced


def handle_form(
    form: FlaskForm, action: Callable[[], str], *, unplaced_on_form: bool = False
) -> tuple[Response | None, int]:
    """Parse, call the service, commit, then redirect, or re-render with the errors and 422.

    ``action`` makes the service call(s) and returns the URL to go to. When the form validates
    and the action succeeds, the request session is committed and ``(redirect, 302)`` returned.
    When the service raises a ValidationError, the session is rolled back, its messages are
    copied onto the form's fields (those that fit no field onto ``form.form_errors`` when
    ``unplaced_on_form``) and ``(None, 422)`` returned; an invalid submission gives
    ``(None, 422)`` and a GET ``(None, 200)``, for the caller to render the page with.
    """
    if not form.validate_on_submit():
        return None, 422 if form.is_submitted() else 200
    database = db_session()
    try:
        url = action()
    except ServiceValidationError as error:
        database.rollback()
        unplaced = copy_errors(form, error.errors)
        if unplaced_on_form:
            form.form_errors.extend(unplaced)
        return None, 422
    database.commit()
    return redirect(url), 302


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Choices are checked by the service, which knows the catalogue."""


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox list, labels in the reader's language."""
    return [SelectChoice(value=value, label=str(label)) for value, label in pairs]


def _choices(table: Mapping[str, Any]) -> list[SelectChoice]:
    return options([("", _l("— kies —")), *table.items()])


class ActionForm(Form):
    """A button that changes something: only the CSRF token (logout, revoke, submit, rebase)."""

    lock_version = HiddenField()


def lock_of(form: FlaskForm) -> int | None:
    """The submission version a form was shown with, if the *request* says so.

    Read from what was posted, not from ``data``: a form built with a default version would
    otherwise fill in the current one when the field is left out, and the lock would never bite.
    """
    posted = getattr(getattr(form, "lock_version", None), "raw_data", None)
    raw = posted[0] if posted else None
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
