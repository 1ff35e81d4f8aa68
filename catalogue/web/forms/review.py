"""The forms of review and disputes: a reviewer's decision, a comment, a dispute and its end."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from catalogue.web.forms.base import REQUIRED, Form, options


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
