"""The one table of refusals as the reader sees them: each error code's message, through gettext.

Services refuse a field or an action with a :class:`~catalogue.errors.FieldError` (a stable code
and its parameters, ``catalogue/errors.py``); :func:`translate` gives its message in the reader's
language, :func:`translate_error` that of a refused action, :func:`translate_stored` that of a
refusal kept in the database as ``{"code", "params", "message"}`` (the harvester's on a source).
The pure readers' issues (a publiccode.yml's, an ArchiMate file's) have their texts in the same
catalogue (``catalogue/publiccode/texts.py``, ``catalogue/ameff/vocabulary.py``);
:func:`publiccode_issue_message` and :func:`ameff_message` word them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue import ameff
from catalogue.errors import ErrorCode, FieldError
from catalogue.issue_texts import render
from catalogue.publiccode.texts import issue_text

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
    ErrorCode.ACCOUNT_UNKNOWN: _l("Dit account bestaat niet."),
    ErrorCode.TOKEN_UNKNOWN: _l("Deze sleutel bestaat niet."),
    ErrorCode.NOT_YOUR_TOKEN: _l("Dit is niet uw sleutel."),
    ErrorCode.TOKEN_SCOPE_MISSING: _l("Deze sleutel mag dit niet (%(scope)s)."),
    ErrorCode.OWN_MEMBERSHIP: _l("U kunt niet beslissen over uw eigen lidmaatschap."),
    ErrorCode.OWN_ORGANISATION_MEMBERS: _l("U beslist alleen over leden van uw eigen organisatie."),
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
    ErrorCode.NO_LANDSCAPE: _l("Hier is geen landschap."),
    ErrorCode.LANDSCAPE_EDITORS_ONLY: _l(
        "Alleen de redacteuren van de organisatie kunnen haar landschap wijzigen."
    ),
    ErrorCode.LANDSCAPE_SAVED_MEANWHILE: _l(
        "Iemand anders heeft dit landschap opgeslagen nadat u het opende. "
        "Bekijk het opnieuw en probeer het nog eens."
    ),
    ErrorCode.APPLICATION_NAME_REQUIRED: _l("Geef de applicatie een naam."),
    ErrorCode.APPLICATION_HOSTING_UNKNOWN: _l("Kies een hostingvorm uit: %(choices)s."),
    ErrorCode.APPLICATION_COMPONENT_UNKNOWN: _l("Dit component staat niet in de catalogus."),
    ErrorCode.APPLICATION_REFERENCES_UNKNOWN: _l(
        "Deze referentiecomponenten kennen we niet: %(gemma_ids)s."
    ),
    ErrorCode.NOTICE_MONTHS_RANGE: _l("Geef een opzegtermijn van 0 tot 120 maanden."),
    ErrorCode.USAGE_NOT_PUBLISHED: _l(
        "Het gebruik van %(slug)s is niet vanuit dit landschap gepubliceerd."
    ),
    ErrorCode.LANDSCAPE_FILE_UNREADABLE: _l("Dit bestand kunnen we niet lezen: %(message)s"),
    # advice: the profile and what it names
    ErrorCode.PROFILE_FIELD_UNKNOWN: _l("Dit veld kennen we niet."),
    ErrorCode.TEXTS_REQUIRED: _l("Geef hier een lijst met teksten."),
    ErrorCode.HOSTING_FORM_UNKNOWN: _l("%(value)s is geen hostingvorm. Kies uit: %(choices)s."),
    ErrorCode.ONE_HOSTING_ALLOWED: _l("Laat minstens één hostingvorm toe."),
    ErrorCode.MIN_STATUS_UNKNOWN: _l("Kies een status uit: %(choices)s."),
    ErrorCode.SWITCH_NOT_BOOLEAN: _l("Kies ja of nee."),
    ErrorCode.WEIGHTS_NOT_OBJECT: _l("Geef de gewichten per naam."),
    ErrorCode.WEIGHT_UNKNOWN: _l("Dit gewicht kennen we niet."),
    ErrorCode.WEIGHT_OUT_OF_RANGE: _l("Geef een getal van 0 tot en met 10."),
    ErrorCode.MUNICIPALITY_NOT_CBS_CODE: _l("Geef een CBS-code, bijvoorbeeld GM0344."),
    ErrorCode.MUNICIPALITY_UNKNOWN: _l("De CBS-code %(cbs_code)s kennen we niet."),
    ErrorCode.GEMMA_ELEMENTS_UNKNOWN: _l("Deze kennen we niet: %(slugs)s."),
    ErrorCode.COMPONENTS_UNKNOWN: _l("Deze componenten staan niet in de catalogus: %(slugs)s."),
    ErrorCode.WHAT_IF_COMPONENT_UNKNOWN: _l("Het component %(slug)s kennen we niet."),
    ErrorCode.WHAT_IF_NOT_IN_PLAN: _l("Kies een component uit het plan of het landschap."),
    # harvesting
    ErrorCode.SOURCE_NOT_HTTPS: _l("Het adres moet met https:// beginnen."),
    ErrorCode.SOURCE_CREDENTIALS: _l("Het adres mag geen gebruikersnaam of wachtwoord bevatten."),
    ErrorCode.SOURCE_NO_HOST: _l("Het adres heeft geen hostnaam."),
    ErrorCode.SOURCE_UNRESOLVABLE: _l("Deze hostnaam bestaat niet, of heeft geen adres."),
    ErrorCode.SOURCE_NOT_PUBLIC: _l(
        "Deze hostnaam wijst naar een intern of niet-openbaar adres. Dat halen we niet op."
    ),
    ErrorCode.SOURCE_TAKEN: _l("Dit adres is al aangemeld voor een ander component."),
    ErrorCode.HARVEST_RUNNING: _l(
        "Er loopt al een harvest (gestart %(started)s UTC door %(holder)s). Deze run doet niets."
    ),
    ErrorCode.HARVEST_STARTED_AT_SAME_MOMENT: _l("Er loopt al een harvest. Deze run doet niets."),
    # components: writing a document
    ErrorCode.SLUG_TAKEN: _l("Een ander component heeft al de slug %(slug)s."),
    ErrorCode.DOCUMENT_GEMMA_ID_UNKNOWN: _l("Onbekend GEMMA-kenmerk '%(gemma_id)s'."),
    # organisations
    ErrorCode.ORGANISATION_KIND_UNKNOWN: _l("Kies een soort organisatie uit de lijst."),
    ErrorCode.COMPONENT_UNKNOWN: _l("Het component %(slug)s staat niet in de catalogus."),
    # submissions: the form's steps and the file
    ErrorCode.FILE_OF_OTHER_REPOSITORY: _l(
        "Dit bestand hoort bij een andere repository dan deze bijdrage."
    ),
    ErrorCode.FILE_NOT_OF_COMPONENT: _l(
        "Het adres in dit bestand is niet de repository van %(slug)s (%(url)s)."
    ),
    ErrorCode.PUBLICCODE_UNREADABLE: _l("%(key)s (regel %(line)s, kolom %(column)s): %(message)s"),
    ErrorCode.PUBLICCODE_ISSUE: _l("%(key)s (regel %(line)s, kolom %(column)s): %(message)s"),
    ErrorCode.DATE_FORMAT: _l("Geef de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-01."),
    ErrorCode.LICENCE_INVALID: _l("Dit is geen geldige SPDX-licentie. Bijvoorbeeld: EUPL-1.2."),
    ErrorCode.PUBLISHED_URL_FIXED: _l(
        "Het adres van de broncode van een gepubliceerd component kunt u hier niet wijzigen."
    ),
    ErrorCode.REFERENCE_COMPONENT_UNKNOWN: _l(
        "Het referentiecomponent %(gemma_id)s kennen we niet. Kies er een uit de lijst."
    ),
    ErrorCode.STANDARD_UNKNOWN: _l(
        "De standaard %(standard)s kennen we niet. Kies er een uit de lijst."
    ),
    ErrorCode.REQUIRED_COMPONENT_UNKNOWN: _l(
        "Er is geen ander component %(slug)s in de catalogus. Kies er een uit de lijst."
    ),
    ErrorCode.HOSTING_MODEL_UNKNOWN: _l("Kies een hostingvorm uit de lijst."),
    ErrorCode.REJECTION_REASON_REQUIRED: _l("Geef een reden, zodat de indiener weet wat te doen."),
    ErrorCode.COMMENT_REQUIRED: _l("Schrijf een reactie."),
    ErrorCode.NO_PUBLISHED_VERSION: _l(
        "Dit is een nieuw component: er is nog geen gepubliceerde versie om van uit te gaan."
    ),
    # submissions: what publishing would meet
    ErrorCode.NAME_REQUIRED: _l("Het component heeft een naam nodig."),
    ErrorCode.URL_REQUIRED: _l("Het component heeft het adres van de broncode nodig."),
    ErrorCode.URL_NOT_HTTPS: _l("Het adres moet beginnen met https://."),
    ErrorCode.REPOSITORY_IN_CATALOGUE: _l(
        "Deze broncode staat al in de catalogus als '%(name)s'. "
        "Stel op die pagina een wijziging voor."
    ),
    ErrorCode.NAME_TAKEN: _l("Een ander component heeft al deze naam. Kies een preciezere naam."),
    ErrorCode.LICENCE_NOT_SPDX: _l(
        "'%(licence)s' is geen geldige SPDX-licentie (bijvoorbeeld EUPL-1.2)."
    ),
    ErrorCode.MAINTAINER_UNKNOWN: _l("Onbekende organisatie '%(organisation)s'."),
    ErrorCode.GEMMA_ID_UNKNOWN: _l("Onbekend GEMMA-kenmerk '%(gemma_id)s'."),
    ErrorCode.REQUIRES_UNKNOWN: _l("Geen component '%(slug)s' in de catalogus."),
    ErrorCode.STATUS_UNKNOWN: _l("Onbekende ontwikkelstatus '%(status)s'."),
    ErrorCode.DOCUMENT_FIELD: _l("Controleer dit veld (%(key)s): %(message)s"),
    # submissions: who may act, and when
    ErrorCode.SUBMISSION_UNKNOWN: _l("Bijdrage %(submission)s bestaat niet."),
    ErrorCode.SUBMISSION_OF_OTHER_ORGANISATION: _l("Deze bijdrage is van een andere organisatie."),
    ErrorCode.STEP_UNKNOWN: _l("Deze stap van het formulier bestaat niet."),
    ErrorCode.NOT_AUTHORS_ORGANISATION: _l(
        "Alleen de organisatie van de indiener kan deze bijdrage wijzigen."
    ),
    ErrorCode.SUBMISSION_NOT_EDITABLE: _l("Deze bijdrage kan niet meer worden gewijzigd."),
    ErrorCode.SUBMISSION_TAKES_NO_FILE: _l("Deze bijdrage kan nu geen nieuw bestand meer krijgen."),
    ErrorCode.SUBMISSION_CLOSED: _l("Deze bijdrage is afgehandeld."),
    ErrorCode.SUBMISSION_SAVED_MEANWHILE: _l(
        "Iemand anders heeft deze bijdrage intussen opgeslagen. Laad de pagina opnieuw."
    ),
    ErrorCode.SAVED_AT_SAME_MOMENT: _l(
        "Iemand anders sloeg dit op hetzelfde moment op. Laad de pagina opnieuw."
    ),
    ErrorCode.OWN_SUBMISSION: _l("U kunt niet beslissen over uw eigen bijdrage."),
    ErrorCode.NOT_WAITING_FOR_REVIEW: _l("Deze bijdrage wacht niet op beoordeling."),
    ErrorCode.FOUR_EYES: _l(
        "U heeft deze bijdrage zelf gewijzigd. Een andere beoordelaar keurt hem goed (vier ogen)."
    ),
    ErrorCode.COMPONENT_CHANGED: _l(
        "Het component is veranderd sinds deze bijdrage begon. Vergelijk eerst beide versies."
    ),
    ErrorCode.PUBLISHED_AT_SAME_MOMENT: _l(
        "Iemand anders publiceerde op hetzelfde moment een wijziging van dit component."
        " Probeer het opnieuw."
    ),
    ErrorCode.COMPONENT_GONE: _l("Dit component bestaat niet meer."),
    # disputes
    ErrorCode.NOT_A_MUNICIPALITY_MEMBER: _l(
        "Alleen een bevestigd lid van een gemeente kan een claim betwisten."
    ),
    ErrorCode.DISPUTE_UNKNOWN: _l("Betwisting %(dispute)s bestaat niet."),
    ErrorCode.OWN_COMPONENT_DISPUTE: _l(
        "U kunt niet beslissen over een betwisting van een component van uw eigen organisatie."
    ),
    ErrorCode.DISPUTE_DECIDED: _l("Over deze betwisting is al besloten."),
    ErrorCode.COMPONENT_CHANGED_AT_SAME_MOMENT: _l(
        "Het component veranderde op hetzelfde moment. Probeer het opnieuw."
    ),
    # permissions and lookups
    ErrorCode.LOGIN_REQUIRED: _l("Log eerst in."),
    ErrorCode.ROLE_MAY_NOT: _l("Uw rol mag dit niet doen."),
    ErrorCode.TOKEN_MAY_NOT: _l("Dit account mag dit niet doen."),
    ErrorCode.PERMISSION_NEEDED: _l("Hiervoor heeft u een andere rol nodig."),
    ErrorCode.CONFIRMED_MEMBERS_ONLY: _l("Alleen bevestigde leden van de organisatie mogen dit."),
    ErrorCode.OWN_ORGANISATION_COMPONENTS: _l(
        "U kunt alleen de componenten van uw eigen organisatie wijzigen."
    ),
    ErrorCode.MEMBERSHIP_NOT_CONFIRMED: _l(
        "Uw lidmaatschap van deze organisatie is nog niet bevestigd."
    ),
    ErrorCode.GEMMA_ELEMENT_UNKNOWN: _l("Dit GEMMA-element bestaat niet: %(slug)s."),
    ErrorCode.ORGANISATION_NOT_FOUND: _l("Deze organisatie bestaat niet: %(organisation)s."),
    # comparing components
    ErrorCode.COMPARE_COUNT: _l(
        "Kies %(minimum)s tot %(maximum)s verschillende componenten. U koos er %(count)s."
    ),
    # the API's own refusals of a request
    ErrorCode.API_TOKEN_REQUIRED: _l(
        "Stuur een persoonlijke API-sleutel mee, als 'Authorization: Bearer <sleutel>'."
    ),
    ErrorCode.API_TOKEN_INVALID: _l(
        "Deze sleutel kennen we niet, of hij is verlopen of ingetrokken."
    ),
    ErrorCode.PUBLICCODE_BODY_REQUIRED: _l(
        "Stuur de publiccode.yml mee als inhoud van het verzoek."
    ),
    ErrorCode.PUBLICCODE_NOT_READABLE: _l("Dit bestand is niet te lezen als publiccode.yml."),
    ErrorCode.PROFILE_BODY_REQUIRED: _l("Stuur het profiel mee als JSON-object."),
    ErrorCode.REPLACEMENT_SHAPE: _l('Geef de vervanging als {"remove": id, "add": id}.'),
    ErrorCode.WHOLE_NUMBER_RANGE: _l("Geef een heel getal van %(minimum)s tot en met %(maximum)s."),
    ErrorCode.CHOICE_UNKNOWN: _l("Kies een van deze waarden: %(choices)s."),
    ErrorCode.TEXT_TOO_LONG: _l("Gebruik hoogstens %(maximum)s tekens."),
    # harvesting: what a fetch met
    ErrorCode.FETCH_HTTP_STATUS: _l("De server antwoordde met HTTP %(status)s."),
    ErrorCode.FETCH_FAILED: _l("Het ophalen lukte niet: %(error)s"),
    ErrorCode.FETCH_TOO_MANY_REDIRECTS: _l("Meer dan %(maximum)s keer doorverwezen."),
    ErrorCode.FETCH_RETRY_BEYOND_BUDGET: _l(
        "HTTP %(status)s. De server vroeg %(seconds)s seconden te wachten; "
        "dat past niet meer in de tijd van deze run."
    ),
    ErrorCode.FETCH_TOO_LARGE: _l(
        "Het bestand is te groot (%(size)s bytes; de grens is %(limit)s bytes)."
    ),
    ErrorCode.FETCH_TOO_LARGE_AT_LEAST: _l(
        "Het bestand is te groot (meer dan %(size)s bytes; de grens is %(limit)s bytes)."
    ),
    ErrorCode.FORGE_NOT_JSON: _l("Het antwoord van de forge is geen JSON."),
    ErrorCode.FORGE_NOT_LIST: _l("Het antwoord van de forge is geen lijst."),
    ErrorCode.HARVEST_FILE_GONE: _l("HTTP %(status)s: het bestand is niet (meer) te vinden."),
    ErrorCode.HARVEST_FILE_GONE_SINCE: _l(
        "HTTP %(status)s: het bestand is niet (meer) te vinden. "
        "%(name)s is niet meer gevonden bij de bron sinds %(since)s."
    ),
    ErrorCode.HARVEST_HTML_PAGE: _l(
        "Dit is een HTML-pagina, geen publiccode.yml. Verwijs naar het ruwe bestand."
    ),
    ErrorCode.HARVEST_OTHER_REPOSITORY: _l(
        "Dit bestand beschrijft %(named)s, niet %(registered)s, waarvoor de bron is aangemeld."
    ),
    ErrorCode.HARVEST_FILE_REFUSED: _l("Niet opgenomen: %(message)s"),
    ErrorCode.SOURCES_NOT_YAML: _l("%(name)s is geen geldige YAML: %(problem)s"),
    ErrorCode.SOURCES_NOT_A_LIST: _l("%(name)s moet een YAML-lijst zijn."),
    ErrorCode.SOURCE_ENTRY_SHAPE: _l(
        "Verwacht '- url: ...', '- github_org: ...' of '- gitlab_group: ...'."
    ),
    ErrorCode.SOURCE_ENTRY_UNKNOWN_KEYS: _l(
        "Verwacht '- url: ...', '- github_org: ...' of '- gitlab_group: ...' (onbekend: %(keys)s)."
    ),
    ErrorCode.SOURCE_VALUE_NOT_TEXT: _l("%(key)s: verwacht een tekst."),
    ErrorCode.SOURCE_URL_NOT_HTTP: _l("url: verwacht een http- of https-adres."),
    ErrorCode.HARVEST_BUDGET_SPENT: _l(
        "De tijd voor deze run is op. De bron komt de volgende keer aan de beurt."
    ),
}


# Codes whose ``message`` is a publiccode.yml parser's issue (``errors.parser_issue``): the
# page words it anew from its template and params.
PARSER_ISSUE_CODES = frozenset(
    {ErrorCode.PUBLICCODE_UNREADABLE, ErrorCode.PUBLICCODE_ISSUE, ErrorCode.HARVEST_FILE_REFUSED}
)


def translate(message: str) -> str:
    """A service's refusal in the reader's language; a message without a code stays as it is."""
    if not isinstance(message, FieldError):
        return message
    known = MESSAGES.get(message.code)
    if known is None:
        return str(message)
    params = _in_language(message.code, message.params)
    return str(known) % params if params else str(known)


def translate_error(error: Exception) -> str:
    """A refused action (``NotFound``, ``NotAuthorized``, ``Conflict``) in the reader's language."""
    reason = error.args[0] if len(error.args) == 1 else None
    return translate(reason) if isinstance(reason, FieldError) else str(error)


def translate_stored(entry: object) -> str:
    """A stored refusal (``{"code", "params", "message", ...}``, as the harvester keeps them in
    ``HarvestSource.last_errors``) in the reader's language. An entry stored before codes were
    (a plain text, or a dict with only its ``message``), or with a code or parameters this
    version does not know, reads as it was stored."""
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, Mapping):
        return str(entry)
    stored = str(entry.get("message") or "")
    try:
        code = ErrorCode(entry.get("code"))
    except ValueError:
        return stored
    params = entry.get("params")
    try:
        return translate(FieldError(code, **(params if isinstance(params, Mapping) else {})))
    except (KeyError, IndexError, TypeError, ValueError):
        return stored


def publiccode_issue_message(issue: Mapping[str, Any]) -> str:
    """A publiccode.yml issue (``Issue.as_dict()``, fresh or stored) in the reader's language,
    worded anew from its template and params. One stored before those were kept reads as it
    was worded then: ``message_nl`` on a Dutch page, ``message`` on an English one."""
    worded = issue_text(issue, _)
    if worded is not None:
        return worded
    if _dutch() and issue.get("message_nl"):
        return str(issue["message_nl"])
    return str(issue.get("message") or "")


def ameff_message(item: ameff.Finding | ameff.AmeffError) -> str:
    """A finding of the ArchiMate reader, or its refusal of a file, in the reader's language."""
    return render(ameff.TEXTS[item.code], item.params, _)


def _ameff_refusal_text(params: Mapping[str, Any]) -> str:
    """``landscape_file_unreadable``'s reason in the reader's language, with its place; the
    stored English when the reason or its params no longer fit a text."""
    reason, values = params.get("reason"), params.get("params")
    if not isinstance(reason, str) or reason not in ameff.TEXTS or not isinstance(values, Mapping):
        return str(params.get("message") or "")
    try:
        text = render(ameff.TEXTS[reason], values, _)
    except (KeyError, TypeError, ValueError):
        return str(params.get("message") or "")
    if params.get("line") is None:
        return text
    where = _("regel %(line)s, kolom %(column)s", line=params["line"], column=params.get("column"))
    return f"{text} ({where})"


def _dutch() -> bool:
    return str(get_locale() or "nl").startswith("nl")


def _in_language(code: ErrorCode, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as the reader's message names them: the publiccode parser's issue a code
    carries worded anew in the reader's language (or, stored before templates were kept, its
    ``message_nl`` on a Dutch page), the ArchiMate reader's refusal likewise."""
    if code in PARSER_ISSUE_CODES:
        return {**params, "message": publiccode_issue_message(params)}
    if code is ErrorCode.LANDSCAPE_FILE_UNREADABLE:
        return {**params, "message": _ameff_refusal_text(params)}
    return params
