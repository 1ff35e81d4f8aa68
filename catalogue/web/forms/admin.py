"""The forms of administration: an account, an organisation, and merging duplicates."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from catalogue.web import labels
from catalogue.web.forms.base import REQUIRED, Form, _choices, options

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
