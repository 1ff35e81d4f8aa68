"""The one table of refusals as the reader sees them: each error code's message, through gettext.

Services refuse a field with a :class:`~catalogue.errors.FieldError` (a stable code and its
parameters, ``catalogue/errors.py``); :func:`translate` gives its message in the reader's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from catalogue.errors import PENDING_ENGLISH, ErrorCode, FieldError

MESSAGES: dict[ErrorCode, Any] = {
    # accounts
    ErrorCode.EMAIL_INVALID: _l("Vul een geldig e-mailadres in."),
    ErrorCode.EMAIL_TAKEN: _l("Er is al een account met dit e-mailadres."),
    ErrorCode.PASSWORD_TOO_SHORT: _l("Gebruik minstens %(minimum)s tekens."),
    ErrorCode.PASSWORD_TOO_LONG: _l("Gebruik hoogstens %(maximum)s tekens."),
    ErrorCode.PASSWORD_COMMON: _l(
        "Dit wachtwoord komt te vaak voor of is te eenvoudig. Kies een ander."
    ),
    ErrorCode.PASSWORD_HAS_EMAIL: _l("Het wachtwoord mag uw e-mailadres niet bevatten."),
    ErrorCode.PASSWORD_WRONG: _l("Dit is niet uw huidige wachtwoord."),
    ErrorCode.ORGANISATION_UNKNOWN: _l("Kies een organisatie uit de lijst."),
    ErrorCode.ROLE_UNKNOWN: _l("Kies een rol uit de lijst."),
    ErrorCode.ORG_ROLE_UNKNOWN: _l("Kies een rol in de organisatie uit de lijst."),
    ErrorCode.DECISION_UNKNOWN: _l("Kies een besluit uit de lijst."),
    ErrorCode.SCOPE_UNKNOWN: _l("Kies wat de sleutel mag uit de lijst."),
    ErrorCode.TOTP_WRONG: _l("Deze code klopt niet, of is al gebruikt. Wacht op de volgende code."),
    ErrorCode.TOKEN_NAME_REQUIRED: _l("Geef de sleutel een naam."),
    ErrorCode.RESET_TOKEN_INVALID: _l(
        "Deze link werkt niet meer: hij is al gebruikt, verlopen of onvolledig. Vraag een nieuwe aan."
    ),
    ErrorCode.OWN_ADMIN_ROLE: _l("U kunt uw eigen beheerdersrol niet afnemen."),
    ErrorCode.OWN_ACCOUNT_ACTIVE: _l("U kunt uw eigen account niet uitschakelen."),
    ErrorCode.NOT_A_CONFIRMED_MEMBER: _l("Dit account is geen bevestigd lid."),
    # disputes
    ErrorCode.CLAIM_UNKNOWN: _l("Kies een claim van dit component."),
    ErrorCode.DISPUTE_REASON_REQUIRED: _l("Leg uit waarom de claim niet klopt."),
    ErrorCode.DISPUTE_EXISTS: _l("Uw organisatie betwist deze claim al."),
    ErrorCode.RESOLUTION_REQUIRED: _l("Leg het besluit uit."),
    ErrorCode.OUTCOME_UNKNOWN: _l("Kies gegrond of ongegrond."),
    # curation
    ErrorCode.SAME_COMPONENT: _l("Kies twee verschillende componenten."),
    ErrorCode.SAME_ORGANISATION: _l("Kies twee verschillende organisaties."),
    ErrorCode.ORGANISATIONS_UNKNOWN: _l("Kies twee bestaande organisaties."),
    ErrorCode.ORGANISATION_NAME_REQUIRED: _l("Geef de organisatie een naam."),
    ErrorCode.ORGANISATION_KIND_REQUIRED: _l("Kies een soort organisatie."),
    ErrorCode.WEBSITE_NOT_HTTPS: _l("De website moet beginnen met https://."),
    # landscapes
    ErrorCode.NOT_IN_LANDSCAPE: _l("Dit component staat niet in het landschap."),
    # submissions
    ErrorCode.FILE_OF_OTHER_REPOSITORY: _l(
        "Dit bestand hoort bij een andere repository dan deze bijdrage."
    ),
    ErrorCode.DATE_FORMAT: _l("Geef de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-01."),
    ErrorCode.LICENCE_INVALID: _l("Dit is geen geldige SPDX-licentie. Bijvoorbeeld: EUPL-1.2."),
    ErrorCode.PUBLISHED_URL_FIXED: _l(
        "Het adres van de broncode van een gepubliceerd component kunt u hier niet wijzigen."
    ),
    ErrorCode.REJECTION_REASON_REQUIRED: _l("Geef een reden, zodat de indiener weet wat te doen."),
    ErrorCode.COMMENT_REQUIRED: _l("Schrijf een reactie."),
}


def translate(message: str) -> str:
    """A service's refusal in the reader's language; a message without a code stays as it is."""
    if isinstance(message, FieldError):
        code, params = message.code, message.params
    elif message in PENDING_ENGLISH:
        # services/submissions.py still raises these as English text.
        code, params = PENDING_ENGLISH[message], {}
    else:
        return message
    known = MESSAGES.get(code)
    if known is None:
        return str(message)
    return str(known) % params if params else str(known)
