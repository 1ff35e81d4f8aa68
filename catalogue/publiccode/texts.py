"""The texts of the parser's issues: one Dutch msgid per text, its English in ``messages.po``.

An issue names its text by a stable id (``Issue.template``): its code, or its code and a variant
(``missing-key.when-type``). The parameters fill the placeholders; ``expected`` and ``found``
hold a term id (``TERMS``: the kind of value the field needs, the kind it holds), which is
translated too. ``catalogue/issue_texts.py`` loads the catalogue and formats a text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from catalogue.issue_texts import N_, Gettext, render

_CATEGORIES: Final = (
    "https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/standard/categories-list.rst"
)

TEXTS: Final[dict[str, str]] = {
    # -- reading the file (loader) -------------------------------------------------------------
    "yaml-syntax": N_("Het bestand kan niet als YAML gelezen worden (%(error)s)."),
    "yaml-syntax.error": N_("Het bestand kan niet als YAML gelezen worden: %(error)s"),
    "yaml-syntax.located": N_(
        "De YAML klopt niet: kijk in regel %(line)s, kolom %(column)s. Vaak is het inspringen "
        "(spaties vooraan) niet goed. Technische melding: %(problem)s."
    ),
    "yaml-syntax.unlocated": N_(
        "De YAML klopt niet. Vaak is het inspringen (spaties vooraan) niet goed. Technische "
        "melding: %(problem)s."
    ),
    "internal-error": N_("Het bestand kon niet helemaal gelezen worden (%(error)s)."),
    "not-a-mapping": N_(
        "Het bestand moet bestaan uit velden met waarden (zoals name: ...), maar er staat "
        "%(found)s."
    ),
    "not-a-mapping.input": N_(
        "De inhoud van het bestand ontbreekt of heeft een verkeerde vorm (%(type)s)."
    ),
    "too-large": N_(
        "Het bestand is te groot (minstens %(size)s bytes). Het mag hoogstens %(limit)s bytes zijn."
    ),
    "not-utf8.utf16": N_("Het bestand is opgeslagen als UTF-16 of UTF-32. Sla het op als UTF-8."),
    "not-utf8": N_(
        "Het bestand is niet opgeslagen als UTF-8. De fout staat in regel %(line)s, kolom "
        "%(column)s. Sla het bestand op als UTF-8."
    ),
    "not-utf8.byte": N_(
        "Het bestand is niet opgeslagen als UTF-8 (byte %(byte)s). De fout staat in regel "
        "%(line)s, kolom %(column)s. Sla het bestand op als UTF-8."
    ),
    "binary": N_(
        "Dit is geen tekstbestand: er staan NUL-bytes in. Een publiccode.yml is gewone tekst."
    ),
    "control-character": N_(
        "In het bestand staat een verboden teken (%(codepoint)s). Haal het weg."
    ),
    "multiple-documents": N_(
        "Het bestand bevat meer dan één YAML-document. Alleen het eerste is gelezen."
    ),
    "too-deep": N_("De YAML is te diep genest (meer dan %(limit)s niveaus)."),
    "alias-not-allowed.alias": N_(
        "YAML-ankers en -verwijzingen (&naam, *naam) zijn niet toegestaan (alias *%(anchor)s). "
        "Schrijf de waarde voluit."
    ),
    "alias-not-allowed.anchor": N_(
        "YAML-ankers en -verwijzingen (&naam, *naam) zijn niet toegestaan (anchor &%(anchor)s). "
        "Schrijf de waarde voluit."
    ),
    "yaml-tag": N_("De YAML-tag %(tag)s wordt genegeerd. De waarde is gelezen als gewone tekst."),
    # -- fields and values (reader) ------------------------------------------------------------
    "missing-key": N_("Het veld %(name)s ontbreekt. Het is verplicht."),
    "missing-key.when-type": N_(
        'Het veld %(name)s ontbreekt. Het is verplicht als type "%(type)s" is.'
    ),
    "empty-list": N_("De lijst %(name)s moet minstens één waarde hebben."),
    "deprecated-key": N_(
        "Dit veld is verouderd en verdwijnt in de toekomst. U kunt het veld weghalen."
    ),
    "deprecated-key.instead": N_(
        "Dit veld is verouderd en verdwijnt in de toekomst. Gebruik voortaan %(instead)s."
    ),
    "deprecated-key.codice-ipa": N_(
        "Dit veld is verouderd en verdwijnt in de toekomst. Gebruik voortaan "
        "'organisation.uri' met de waarde 'urn:x-italian-pa:%(code)s'."
    ),
    "number-for-string": N_(
        '%(value)s staat er als getal. Zet versienummers tussen aanhalingstekens ("%(value)s"), '
        "anders wordt 1.10 gelezen als 1.1."
    ),
    "string-for-list": N_(
        "%(path)s moet een lijst zijn. De ene waarde is gelezen als een lijst met één waarde."
    ),
    "yaml11-bool.true": N_("'%(value)s' is gelezen als ja. Schrijf true of false."),
    "yaml11-bool.false": N_("'%(value)s' is gelezen als nee. Schrijf true of false."),
    "wrong-type": N_("Verkeerd soort waarde: hier hoort %(expected)s, maar er staat %(found)s."),
    "key-case": N_(
        'Onbekend veld "%(name)s". Het is gelezen als "%(canonical)s": let op hoofdletters en '
        "kleine letters."
    ),
    "duplicate-key": N_('Het veld "%(name)s" staat er twee keer. De laatste waarde telt.'),
    "unknown-key": N_('Onbekend veld "%(name)s". Het hoort niet bij de standaard.'),
    "unknown-key.kept": N_(
        'Onbekend veld "%(name)s". Het hoort niet bij de standaard; de inhoud is bewaard.'
    ),
    "not-https": N_(
        "Het adres in %(path)s begint met %(scheme)s:// en niet met https://. Het adres is bewaard."
    ),
    "invalid-url.http": N_(
        "Het veld %(name)s moet een webadres zijn dat begint met https:// of http:// "
        "(nu: '%(value)s')."
    ),
    "invalid-date": N_("%(name)s moet een datum zijn in de vorm JJJJ-MM-DD (nu: '%(value)s')."),
    "invalid-date.dropped": N_(
        "%(name)s moet een datum zijn in de vorm JJJJ-MM-DD (nu: '%(value)s'). De waarde is "
        "niet overgenomen."
    ),
    "invalid-value": N_(
        "%(name)s moet een van deze waarden hebben: %(allowed)s (nu: '%(value)s')."
    ),
    "invalid-uri": N_(
        "'%(value)s' is geen geldige URI. Gebruik bijvoorbeeld https://... of urn:..."
    ),
    "invalid-uri.ipa": N_(
        "Deze URI moet een Italiaanse overheidscode (iPA) bevatten: urn:x-italian-pa:[code]."
    ),
    # -- sections ------------------------------------------------------------------------------
    "description-without-language": N_(
        "Bij description ontbreekt de taal (bijvoorbeeld description.nl.shortDescription). De "
        "tekst is gelezen als taal 'und' (onbepaald)."
    ),
    "description-empty": N_(
        "Er is geen beschrijving (description). Geef minstens één taal met een beschrijving."
    ),
    "invalid-language.description": N_(
        "'%(value)s' is geen geldige taalcode (BCP 47), zoals nl of en-GB."
    ),
    "invalid-language.description-read-as": N_(
        "'%(value)s' is geen geldige taalcode (BCP 47), zoals nl of en-GB. Gelezen als '%(fixed)s'."
    ),
    "invalid-language": N_(
        "'%(value)s' in %(name)s is geen geldige taalcode (BCP 47), zoals nl of en-GB."
    ),
    "invalid-language.read-as": N_(
        "'%(value)s' in %(name)s is geen geldige taalcode (BCP 47), zoals nl of en-GB. Gelezen "
        "als '%(fixed)s'."
    ),
    "too-short": N_("longDescription moet minstens 150 tekens lang zijn (nu %(count)s)."),
    "too-long": N_("%(name)s mag hoogstens %(limit)s tekens lang zijn."),
    "invalid-license": N_("'%(value)s' is geen geldige SPDX-licentie, zoals EUPL-1.2."),
    "invalid-license.kept": N_(
        "'%(value)s' is geen geldige SPDX-licentie, zoals EUPL-1.2. De tekst is bewaard."
    ),
    "excluded-key": N_('Het veld contractors mag alleen bij type "contract".'),
    "excluded-key.type": N_(
        'Er staan contractors (onderhoudspartijen) bij, maar type is "%(type)s". Dat mag alleen '
        'bij type "contract".'
    ),
    "excluded-key.kept": N_(
        'Er staan contractors (onderhoudspartijen) bij, maar type is "%(type)s". Dat mag alleen '
        'bij type "contract". Ze zijn wel bewaard.'
    ),
    "invalid-email": N_("'%(value)s' is geen geldig e-mailadres."),
    # -- country extensions --------------------------------------------------------------------
    "duplicate-key.it": N_("Er staat al een 'IT'-deel in het bestand. Haal het 'it'-deel weg."),
    "invalid-value.country-extension-version": N_(
        'countryExtensionVersion moet "0.2" of "1.0" zijn.'
    ),
    "invalid-value.codice-ipa": N_(
        "codiceIPA moet een geldige Italiaanse overheidscode (iPA) zijn."
    ),
    "lowercase-country.section": N_(
        "Schrijf de landcode van dit deel met hoofdletters: '%(upper)s'."
    ),
    "country-extension": N_(
        "Het deel '%(name)s' hoort niet bij de publiccode.yml-standaard. Het is gelezen als de "
        "Nederlandse uitbreiding (Common Ground, GEMMA, UPL)."
    ),
    "key-case.layer-type": N_('"%(name)s" is gelezen als "layerType". Let op de schrijfwijze.'),
    "unknown-layer": N_(
        "'%(value)s' is geen laag van het Common Ground-model (interactie, proces, integratie, "
        "services of data)."
    ),
    "nonstandard-value.layer": N_("De Common Ground-laag '%(value)s' is gelezen als '%(layer)s'."),
    # -- the document's own keys ---------------------------------------------------------------
    "missing-key.version-latest": N_(
        "Het veld publiccodeYmlVersion ontbreekt. Het bestand is gelezen als de nieuwste versie 0."
    ),
    "unsupported-version": N_(
        "Versie '%(version)s' wordt niet ondersteund. Goede versies zijn: %(supported)s."
    ),
    "unsupported-version.read-as": N_(
        "Versie '%(version)s' wordt niet ondersteund. Goede versies zijn: %(supported)s. Het "
        "bestand is gelezen als versie %(latest)s."
    ),
    "old-version": N_('Schrijf publiccodeYmlVersion: "0" in plaats van "%(version)s".'),
    "old-version.read-as": N_(
        'Schrijf publiccodeYmlVersion: "0" in plaats van "%(version)s". Het bestand is gelezen '
        "als versie %(latest)s."
    ),
    "invalid-url": N_("Het veld url moet een geldig webadres zijn (nu: '%(value)s')."),
    "invalid-url.based-on": N_("%(path)s moet een geldig webadres zijn (nu: '%(value)s')."),
    "invalid-logo.file": N_(
        "Het logo is een file://-adres. Gebruik een pad binnen de repository of een https://-adres."
    ),
    "invalid-logo.absolute": N_(
        "Het logo staat als absoluut pad. Gebruik een pad binnen de repository of een "
        "https://-adres."
    ),
    "invalid-logo.scheme": N_(
        "%(path)s moet een pad binnen de repository of een https://-adres zijn (nu: '%(value)s')."
    ),
    "invalid-logo.extension": N_(
        "Het logo %(value)s heeft geen goed bestandstype. Gebruik SVG, SVGZ of PNG."
    ),
    "legacy-value": N_(
        "softwareType '%(value)s' hoort niet bij de huidige standaard. Het is gelezen als "
        "'%(legacy)s'."
    ),
    "unknown-category": N_(
        "'%(value)s' in %(path)s staat niet in de lijst met categorieën van de standaard."
    ),
    "invalid-mime-type": N_(
        "'%(value)s' in %(path)s is geen geldig bestandstype (MIME-type), zoals application/json."
    ),
    "unknown-scope": N_(
        "'%(value)s' in %(name)s staat niet in de lijst met doelgroepen (scope) van de standaard."
    ),
    "lowercase-country": N_(
        "Landcodes schrijft u met hoofdletters: '%(upper)s' in plaats van '%(value)s'."
    ),
    "invalid-country": N_(
        "'%(value)s' in %(name)s is geen geldige landcode. Gebruik twee hoofdletters, zoals NL."
    ),
    "unknown-alias": N_(
        "'%(value)s' is geen bekende alias. Gebruik een alias uit de lijst van de standaard, of "
        "een volledige URI."
    ),
    "invalid-uri.supports": N_("'%(value)s' moet een alias:<naam> of een geldige URI zijn."),
}

# The kinds of value a field needs (``expected``) or holds (``found``).
TERMS: Final[dict[str, str]] = {
    "text": N_("tekst"),
    "list": N_("een lijst"),
    "mapping": N_("een groep velden"),
    "number": N_("een getal"),
    "bool": N_("ja/nee"),
    "nothing": N_("niets"),
    "true-or-false": N_("true of false"),
    "text-key": N_("een veldnaam als tekst"),
}
TERM_PARAMS: Final = ("expected", "found")


def text(template: str, params: Mapping[str, Any], gettext: Gettext) -> str:
    """The text of ``template`` with ``params``, in the language of ``gettext``."""
    shown = {
        name: gettext(TERMS[value]) if name in TERM_PARAMS else value
        for name, value in params.items()
    }
    return render(TEXTS[template], shown, gettext)


def issue_text(issue: Mapping[str, Any], gettext: Gettext) -> str | None:
    """A stored issue (``Issue.as_dict()``) worded anew in the language of ``gettext``; None
    when it was stored without its template and params (before they were kept) or they no
    longer fit its text."""
    template, params = issue.get("template"), issue.get("params")
    if not isinstance(template, str) or template not in TEXTS or not isinstance(params, Mapping):
        return None
    try:
        return text(template, params, gettext)
    except (KeyError, TypeError, ValueError):
        return None
