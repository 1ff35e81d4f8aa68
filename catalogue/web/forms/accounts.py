"""The forms of accounts: login, registration, passwords, TOTP, API tokens, and membership."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from catalogue.web.forms.base import REQUIRED, Form, options


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
