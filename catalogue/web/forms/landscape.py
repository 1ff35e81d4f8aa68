"""The forms of a municipality's landscape: an ArchiMate upload, saving it, one component."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from catalogue.web.forms.base import Form

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
