"""The steps of the contribution form, and the publiccode.yml upload."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileSize
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from catalogue.models import DevelopmentStatus
from catalogue.publiccode import MAX_BYTES, is_spdx_expression
from catalogue.web import labels
from catalogue.web.forms.base import REQUIRED, Form, MultiCheckboxField, _choices, options


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
