"""WTForms (Flask-WTF) forms of accounts, contributing, review and administration.

Every form is a FlaskForm, so every POST carries a CSRF token. Labels and messages are lazy
gettext, so they follow the reader's language. Services raise ValidationError with error codes;
:func:`copy_errors` puts them on the fields in the reader's language (``messages.translate``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from catalogue.errors import ValidationError as ServiceValidationError
from catalogue.models import DevelopmentStatus
from catalogue.publiccode import MAX_BYTES, is_spdx_expression
from catalogue.web import labels
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


# ---------------------------------------------------------------- accounts


class LoginForm(Form):
    """E-mail address and password."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(
        _l("Wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )
    remember = BooleanField(_l("Ingelogd blijven op deze computer (3 dagen)"))


class RegisterForm(Form):
    """A new maintainer account."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])
    display_name = StringField(
        _l("Uw naam (openbaar, mag leeg blijven)"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "Zo ziet iedereen wie een bijdrage deed, met uw organisatie. Uw e-mailadres tonen"
            " we nooit."
        ),
    )
    organisation = SelectField(_l("Organisatie"), coerce=int, validators=[InputRequired(REQUIRED)])
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(REQUIRED), Length(max=1024)],
        description=_l(
            "Minstens 12 tekens. Een zin van een paar woorden is sterk en makkelijk te onthouden."
        ),
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("De wachtwoorden zijn niet gelijk.")),
        ],
    )


class ForgotPasswordForm(Form):
    """The address to send a password-reset link to."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])


NEW_PASSWORD_HELP = _l(
    "Minstens 12 tekens. Een zin van een paar woorden is sterk en makkelijk te onthouden."
)


class ResetPasswordForm(Form):
    """A new password, twice."""

    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[DataRequired(REQUIRED), Length(max=1024)],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("De wachtwoorden zijn niet gelijk.")),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    """The current password, then a new one twice."""

    current_password = PasswordField(
        _l("Huidig wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )


class TotpForm(Form):
    """A six-digit code from an authenticator app."""

    code = StringField(
        _l("Code uit uw app"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=6, max=7, message=_l("De code heeft 6 cijfers.")),
        ],
        description=_l("De 6 cijfers die uw app voor tweestapsverificatie nu toont."),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class TokenForm(Form):
    """A new personal API token."""

    name = StringField(
        _l("Naam van de sleutel"),
        validators=[DataRequired(REQUIRED), Length(max=100)],
        description=_l("Bijvoorbeeld: CI van onze GitHub-repository."),
    )


class ActionForm(Form):
    """A button that changes something: only the CSRF token (logout, revoke, submit, rebase)."""

    lock_version = HiddenField()


# ---------------------------------------------------------------- contributing


class BasicsForm(Form):
    """Step 1: what the component is and where its source code lives."""

    lock_version = HiddenField()
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=300)])
    url = URLField(
        _l("Adres van de broncode"),
        validators=[
            DataRequired(REQUIRED),
            URL(message=_l("Vul een volledig adres in, met https://.")),
            Length(max=500),
        ],
        description=_l("De repository, bijvoorbeeld https://github.com/organisatie/project."),
    )
    landing_url = URLField(
        _l("Website (optioneel)"),
        validators=[
            Optional(),
            URL(message=_l("Vul een volledig adres in, met https://.")),
            Length(max=500),
        ],
    )
    development_status = SelectField(_l("Ontwikkelstatus"), choices=[], validators=[Optional()])
    software_type = SelectField(_l("Soort software"), choices=[], validators=[Optional()])
    common_ground_layer = SelectField(_l("Common Ground-laag"), choices=[], validators=[Optional()])
    software_version = StringField(
        _l("Laatste versie (optioneel)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Zoals in publiccode.yml onder softwareVersion, bijvoorbeeld 1.4.2."),
    )
    # A native date input: a picker in browsers, and plain YYYY-MM-DD text without JavaScript.
    release_date = DateField(
        _l("Datum van uitgave (optioneel)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        description=_l("De datum van die versie, als JJJJ-MM-DD (releaseDate)."),
    )

    logo = StringField(
        _l("Beeldmerk (optioneel)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Het pad of adres van het logo in de repository (logo)."),
    )
    roadmap = URLField(
        _l("Routekaart (optioneel)"),
        validators=[
            Optional(),
            URL(message=_l("Vul een volledig adres in, met https://.")),
            Length(max=500),
        ],
        description=_l("Een adres waar de plannen staan (roadmap)."),
    )
    platforms = TextAreaField(
        _l("Platforms (optioneel)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Eén per regel, bijvoorbeeld web, linux of windows (platforms)."),
    )
    categories = TextAreaField(
        _l("Categorieën (optioneel)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Eén per regel, uit de lijst van publiccode.yml (categories)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.development_status.choices = _choices(
            {s.value: labels.STATUS.get(s.value, s.value) for s in DevelopmentStatus}
        )
        self.software_type.choices = _choices({t: t for t in SOFTWARE_TYPES})
        self.common_ground_layer.choices = _choices(labels.LAYER)


SOFTWARE_TYPES = (
    "standalone/web",
    "standalone/backend",
    "standalone/desktop",
    "standalone/mobile",
    "standalone/iot",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)


class PickerForm(Form):
    """A list of checkboxes to choose from, with a search box (steps 2 and 3)."""

    lock_version = HiddenField()
    chosen = MultiCheckboxField(choices=[])
    second = MultiCheckboxField(choices=[])
    zoek = StringField(_l("Zoek"), validators=[Optional(), Length(max=100)])
    zoek2 = StringField(_l("Zoek"), validators=[Optional(), Length(max=100)])


class HostingForm(Form):
    """Step 4: how municipalities can run it."""

    lock_version = HiddenField()
    hosting_models = MultiCheckboxField(_l("Hostingvormen"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosting_models.choices = options(
            (k, v) for k, v in labels.HOSTING.items() if k != "support"
        )


def _spdx(_form: Any, field: Any) -> None:
    if field.data and not is_spdx_expression(field.data):
        raise ValidationError(str(_l("Dit is geen geldige SPDX-licentie. Bijvoorbeeld: EUPL-1.2.")))


MAINTENANCE_TYPES = {
    "internal": _l("door de organisatie zelf"),
    "contract": _l("via een contract"),
    "community": _l("door een gemeenschap"),
    "none": _l("niet onderhouden"),
}


class LicenceForm(Form):
    """Step 5: the licence (SPDX) and how the component is maintained."""

    lock_version = HiddenField()
    license = StringField(
        _l("Licentie (SPDX)"),
        validators=[Optional(), Length(max=200), _spdx],
        description=_l("Een SPDX-code, bijvoorbeeld EUPL-1.2, MIT of EUPL-1.2 OR MIT."),
    )
    maintenance_type = SelectField(_l("Onderhoud"), choices=[], validators=[Optional()])
    main_copyright_owner = StringField(
        _l("Auteursrechthebbende (optioneel)"),
        validators=[Optional(), Length(max=300)],
        description=_l("Wie het auteursrecht heeft (legal.mainCopyrightOwner)."),
    )
    repo_owner = StringField(
        _l("Eigenaar van de repository (optioneel)"),
        validators=[Optional(), Length(max=300)],
        description=_l("De organisatie van de repository (legal.repoOwner)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.maintenance_type.choices = _choices(MAINTENANCE_TYPES)


class DescriptionsForm(Form):
    """Step 6: descriptions in Dutch and English (Markdown in the long description)."""

    lock_version = HiddenField()
    nl_short_description = StringField(
        _l("Korte beschrijving in het Nederlands"),
        validators=[Optional(), Length(max=150)],
        description=_l("Eén zin, hoogstens 150 tekens."),
    )
    nl_long_description = TextAreaField(
        _l("Uitgebreide beschrijving in het Nederlands"),
        validators=[Optional(), Length(max=20000)],
        description=_l("U mag Markdown gebruiken."),
    )
    nl_features = TextAreaField(
        _l("Functies in het Nederlands"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Eén functie per regel."),
    )
    en_short_description = StringField(
        _l("Korte beschrijving in het Engels"), validators=[Optional(), Length(max=150)]
    )
    en_long_description = TextAreaField(
        _l("Uitgebreide beschrijving in het Engels"), validators=[Optional(), Length(max=20000)]
    )
    en_features = TextAreaField(
        _l("Functies in het Engels"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Eén functie per regel."),
    )
    documentation = URLField(
        _l("Documentatie (adres)"),
        validators=[
            Optional(),
            URL(message=_l("Vul een volledig adres in, met https://.")),
            Length(max=500),
        ],
    )


class PubliccodeForm(Form):
    """Upload or paste a publiccode.yml."""

    file = FileField(
        _l("Bestand uploaden"),
        validators=[FileSize(MAX_BYTES, message=_l("Het bestand is te groot (hoogstens 1 MB)."))],
    )
    text = TextAreaField(
        _l("Of plak de inhoud hier"), validators=[Optional(), Length(max=MAX_BYTES)]
    )


# ---------------------------------------------------------------- review and disputes


class DecisionForm(Form):
    """Approve, reject or ask for changes, with a note or reason."""

    lock_version = HiddenField()
    decision = RadioField(
        _l("Besluit"), choices=[], validators=[InputRequired(_l("Kies een besluit."))]
    )
    reason = TextAreaField(
        _l("Toelichting"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Verplicht bij afwijzen of wijzigingen vragen. Een afwijzing en de reden zijn openbaar."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = options(
            [
                ("approve", _l("Goedkeuren en publiceren")),
                ("request_changes", _l("Wijzigingen vragen")),
                ("reject", _l("Afwijzen")),
            ]
        )


class CommentForm(Form):
    """A comment on a submission."""

    body = TextAreaField(_l("Reactie"), validators=[DataRequired(REQUIRED), Length(max=5000)])


class DisputeForm(Form):
    """Dispute one claim of a component."""

    claim = RadioField(
        _l("Welke claim klopt niet?"), choices=[], validators=[InputRequired(_l("Kies een claim."))]
    )
    reason = TextAreaField(
        _l("Waarom klopt deze claim niet?"), validators=[DataRequired(REQUIRED), Length(max=5000)]
    )


class ResolveDisputeForm(Form):
    """Uphold or dismiss a dispute."""

    outcome = RadioField(
        _l("Besluit"), choices=[], validators=[InputRequired(_l("Kies een besluit."))]
    )
    resolution = TextAreaField(
        _l("Toelichting"), validators=[DataRequired(REQUIRED), Length(max=5000)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = options(
            [
                ("upheld", _l("Terecht: de claim wordt verwijderd")),
                ("dismissed", _l("Onterecht: de claim blijft staan")),
            ]
        )


# ---------------------------------------------------------------- administration

ROLE_LABELS = {
    "maintainer": _l("onderhouder"),
    "reviewer": _l("beoordelaar"),
    "admin": _l("beheerder"),
}


class UserForm(Form):
    """Role, organisation and state of an account."""

    role = SelectField(_l("Rol"), choices=[], validators=[InputRequired(REQUIRED)])
    organisation = SelectField(_l("Organisatie"), coerce=int, validators=[InputRequired(REQUIRED)])
    organisation_confirmed = BooleanField(
        _l("Bevestigd dat deze persoon voor de organisatie werkt")
    )
    active = BooleanField(_l("Account actief"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = options(ROLE_LABELS.items())


class OrganisationForm(Form):
    """An organisation's name, kind and website."""

    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Soort organisatie"), choices=[], validators=[InputRequired(REQUIRED)])
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            URL(message=_l("Vul een volledig adres in, met https://.")),
            Length(max=500),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(labels.ORGANISATION_KIND)


class MergeComponentsForm(Form):
    """Which component is the duplicate, and which one stays."""

    duplicate = SelectField(
        _l("Dubbel component (verdwijnt)"), choices=[], validators=[InputRequired(REQUIRED)]
    )
    keep = SelectField(_l("Component dat blijft"), choices=[], validators=[InputRequired(REQUIRED)])


class MergeOrganisationsForm(Form):
    """Which organisation is the duplicate, and which one stays."""

    duplicate = SelectField(
        _l("Dubbele organisatie (verdwijnt)"),
        coerce=int,
        choices=[],
        validators=[InputRequired(REQUIRED)],
    )
    keep = SelectField(
        _l("Organisatie die blijft"), coerce=int, choices=[], validators=[InputRequired(REQUIRED)]
    )


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


# ---------------------------------------------------------------- landscape (h14)

# The preview sends the file back as base64 (4/3 larger) within MAX_CONTENT_LENGTH.
LANDSCAPE_UPLOAD_BYTES = 1024 * 1024


class LandscapeUploadForm(Form):
    """Upload an ArchiMate exchange file (AMEFF) of the organisation's landscape."""

    file = FileField(
        _l("ArchiMate-uitwisselbestand (.xml)"),
        validators=[
            FileRequired(_l("Kies een bestand.")),
            FileSize(
                LANDSCAPE_UPLOAD_BYTES, message=_l("Het bestand is te groot (hoogstens 1 MB).")
            ),
        ],
    )


class LandscapeSaveForm(Form):
    """Save the previewed file: the file itself (base64) and the version it was previewed on."""

    content = HiddenField(validators=[DataRequired()])
    file_name = HiddenField()
    lock_version = HiddenField(validators=[DataRequired()])


class LandscapeComponentForm(Form):
    """Publish or withdraw the usage claim of one catalogue component in the landscape."""

    component = HiddenField(validators=[DataRequired(), Length(max=120)])


# ---------------------------------------------------------------- membership

ORG_ROLE_LABELS = {
    "viewer": _l("lezer"),
    "editor": _l("bewerker"),
    "beheerder": _l("organisatiebeheerder"),
}
DECISION_LABELS = {
    "confirm": _l("Bevestigen (of de rol wijzigen)"),
    "refuse": _l("Weigeren"),
    "remove": _l("Lidmaatschap beëindigen"),
}


class MembershipForm(Form):
    """An admin's or beheerder's decision about one account's membership."""

    decision = RadioField(_l("Besluit"), choices=[], validators=[InputRequired(REQUIRED)])
    organisation_role = SelectField(
        _l("Rol in de organisatie"), choices=[], validators=[InputRequired(REQUIRED)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = options(DECISION_LABELS.items())
        self.organisation_role.choices = options(ORG_ROLE_LABELS.items())
