"""English translations: complete, compiled, placeholder-safe, and really served.

Dutch is the source language (every msgid is Dutch text); English lives in
``catalogue/translations/en/LC_MESSAGES/messages.po`` and its compiled ``messages.mo``, both
committed. When a test here fails, run ``scripts/translations.sh``, translate what it reports
in the .po, and run the script again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from catalogue.models import GemmaElement, GemmaKind, Organisation
from tests.conftest import ROOT

BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "catalogue" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
FIX = f"Run scripts/translations.sh, translate these in {PO.relative_to(ROOT)}, run it again:\n"

# The same extra keywords scripts/translations.sh passes (babel.cfg names them too).
KEYWORDS = "_l lazy_gettext N_"

# Translations that are rightly the same as the Dutch: names, loanwords, and the one message
# whose source text is already English. Anything else equal to its msgid was not translated.
SAME_IN_ENGLISH = {
    "Componentenwijzer",
    "GEMMA",
    "Status",
    "Status in GEMMA",
    "Component",
    "Website",
    "Platforms",
    "Hosting",
    "Via",
    "concept",
    "data",
    "services",
    "PaaS (platform)",
    "Score",
    "This description is not available in English. You are reading it in another language "
    "(%(lang)s).",
}

# A printf-style conversion: %(name)s, %d, %.2f, %%.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _read_po() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle)


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _relative(path: str) -> str:
    """Locations are relative to the working directory; report them from the repository root."""
    absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path


def _where(message: Message) -> str:
    return ", ".join(f"{_relative(path)}:{line}" for path, line in message.locations) or "?"


def _translated(message: Message) -> bool:
    forms = _forms(message.string)
    return bool(forms) and all(forms)


def _messages(catalog: Catalog) -> dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]]:
    """What a compiled catalogue actually contains: (context, msgid) -> translation."""
    return {(m.context, _forms(m.id)): _forms(m.string) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the current source, extracted afresh exactly as the script does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            f"--mapping-file={BABEL_CFG}",
            f"--keywords={KEYWORDS}",
            f"--output-file={pot}",
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        return read_po(handle)


# ---------------------------------------------------------------- the catalogue


def test_extraction_finds_python_and_template_messages(extracted: Catalog) -> None:
    """Guards the guard: if babel.cfg stopped matching files, every other check would pass."""
    paths = {_relative(path) for message in extracted for path, _line in message.locations}
    assert any(p.startswith("templates/") for p in paths), paths
    assert "catalogue/web/errors.py" in paths  # gettext as _
    assert "catalogue/web/labels.py" in paths  # lazy_gettext as _l
    assert len(extracted) > 100


def test_every_message_in_the_source_has_an_english_translation(extracted: Catalog) -> None:
    po = _read_po()
    problems = []
    if po.fuzzy:
        problems.append("the .po header is marked fuzzy (pybabel compile would skip the file)")
    for message in extracted:
        if not message.id:
            continue
        translation = po.get(message.id, context=message.context)
        where = _where(message)
        if translation is None:
            problems.append(f"missing: {message.id!r} ({where})")
        elif _forms(translation.id) != _forms(message.id):
            problems.append(f"plural form changed: {message.id!r} ({where})")
        elif translation.fuzzy:
            problems.append(f"fuzzy: {message.id!r} -> {translation.string!r} ({where})")
        elif not _translated(translation):
            problems.append(f"untranslated: {message.id!r} ({where})")
    assert not problems, FIX + "\n".join(problems)


def test_translations_are_not_just_the_dutch_copied() -> None:
    copied = [
        f"{m.id!r} ({_where(m)})"
        for m in _read_po()
        if m.id and _forms(m.string) == _forms(m.id) and m.id not in SAME_IN_ENGLISH
    ]
    assert not copied, (
        "These msgstrs equal their Dutch msgid. Translate them, or, if the text really is the "
        "same in English (a name), add it to SAME_IN_ENGLISH in this test:\n" + "\n".join(copied)
    )


def test_placeholders_are_kept_in_every_translation() -> None:
    problems = []
    for message in _read_po():
        if not message.id or not _translated(message):
            continue
        sources = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            # Form 0 is the singular; every other form answers to msgid_plural.
            source = sources[min(index, len(sources) - 1)]
            wanted = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(translation))
            # Templates always %-format (Jinja's newstyle gettext), so a stray % would crash.
            stray = "%" in PLACEHOLDER.sub("", translation)
            if found != wanted or stray:
                problems.append(
                    f"{message.id!r} -> {translation!r}: placeholders {found} instead of {wanted}"
                    + (" and a stray %" if stray else "")
                )
    assert not problems, "\n".join(problems)


def test_plural_translations_have_english_plural_forms() -> None:
    po = _read_po()
    assert po.num_plurals == 2
    plurals = [m for m in po if m.id and m.pluralizable]
    assert plurals, "expected the ngettext messages (counts of components and organisations)"
    for message in plurals:
        assert len(_forms(message.string)) == 2, message.id


def test_the_committed_mo_matches_the_po(tmp_path: Path) -> None:
    po = _read_po()
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as handle:
        write_mo(handle, po)  # like pybabel compile: fuzzy entries are left out
    with fresh.open("rb") as handle:
        expected = read_mo(handle)
    with MO.open("rb") as handle:
        committed = read_mo(handle)
    in_mo, in_po = _messages(committed), _messages(expected)
    stale = []
    for key in sorted(in_mo.keys() | in_po.keys(), key=repr):
        if in_mo.get(key) != in_po.get(key):
            stale.append(f"{key[1][0]!r}: .mo has {in_mo.get(key)!r}, .po has {in_po.get(key)!r}")
    assert not stale, "messages.mo is stale; run scripts/translations.sh:\n" + "\n".join(stale)
    assert committed.plural_forms == expected.plural_forms


# ---------------------------------------------------------------- pages


def _forget_cached_translations() -> None:
    """catalogue.extensions' Babel object is shared by every app in this process, and its domain
    caches loaded translations per locale. An app built elsewhere in the test run without
    BABEL_TRANSLATION_DIRECTORIES would leave an empty English catalogue in that cache."""
    from catalogue.extensions import babel

    domain = vars(babel).get("domain_instance")  # a cached_property: absent until first used
    if domain is not None:
        domain.cache.clear()


@pytest.fixture
def i18n_app(app_factory: Any, database_url: str, tmp_path: Path) -> Iterator[Any]:
    """The app, pointed at the committed translations as app.py should be."""
    _forget_cached_translations()
    application = app_factory(
        database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS)
    )
    yield application
    application.extensions["catalogue_db"].dispose()
    _forget_cached_translations()


def _get(app: Any, path: str, *, expect: int = 200) -> str:
    """A page from a fresh client, so no language cookie carries over from another request."""
    response = app.test_client().get(path)
    assert response.status_code == expect, path
    return str(response.get_data(as_text=True))


def _slugs(app: Any) -> dict[str, str]:
    with app.extensions["catalogue_db"].session() as session:
        municipality = session.scalar(
            select(Organisation.slug)
            .where(Organisation.kind == "municipality")
            .order_by(Organisation.slug)
            .limit(1)
        )
        reference = session.scalar(
            select(GemmaElement.slug)
            .where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
            .order_by(GemmaElement.slug)
            .limit(1)
        )
    assert municipality and reference
    return {"municipality": municipality, "reference": reference}


# path -> (Dutch fragments, their English translations). Fragments include their markup so
# they cannot match catalogue data (descriptions may be Dutch on the English page).
PAGES: dict[str, tuple[list[str], list[str]]] = {
    "/": (
        [
            "<h2>In de catalogus</h2>",
            '<label for="q">Zoek een component</label>',
            ">Naar de inhoud</a>",
            "> gemeenten</a>",
        ],
        [
            "<h2>In the catalogue</h2>",
            '<label for="q">Search for a component</label>',
            ">Skip to content</a>",
            "> municipalities</a>",
        ],
    ),
    "/componenten": (
        ["<h1>Componenten</h1>", '<button type="submit">Zoeken</button>'],
        ["<h1>Components</h1>", '<button type="submit">Search</button>'],
    ),
    "/componenten/open-zaak": (
        [
            "<dt>Broncode</dt>",
            "<dt>Licentie</dt>",
            '<h2 id="gebruikt-door">Gebruikt door</h2>',
            '<th scope="col">Grondslag</th>',
        ],
        [
            "<dt>Source code</dt>",
            "<dt>Licence</dt>",
            '<h2 id="gebruikt-door">Used by</h2>',
            '<th scope="col">Basis</th>',
        ],
    ),
    "/referentiecomponenten": (
        ["<h1>GEMMA-referentiecomponenten</h1>"],
        ["<h1>GEMMA reference components</h1>"],
    ),
    "/referentiecomponenten/{reference}": (
        ["<h2>Standaarden</h2>", "<h3>Verplicht</h3>", "<dt>Groep</dt>"],
        ["<h2>Standards</h2>", "<h3>Mandatory</h3>", "<dt>Group</dt>"],
    ),
    "/organisaties": (
        [
            '<label for="soort">Soort organisatie</label>',
            '<option value="municipality">gemeente</option>',
        ],  # a lazy_gettext label
        [
            '<label for="soort">Type of organisation</label>',
            '<option value="municipality">municipality</option>',
        ],
    ),
    "/componenten/filter/gemeente?q=open": (
        [
            "<h1>Kies: Gebruikt door gemeente</h1>",
            "Terug naar de zoekresultaten",
            '<button type="submit">Filters toepassen</button>',
        ],
        [
            "<h1>Choose: Used by municipality</h1>",
            "Back to the search results",
            '<button type="submit">Apply filters</button>',
        ],
    ),
    "/organisaties/{municipality}": (
        ["<dt>Provincie</dt>", "<dt>Inwoners</dt>", "<dd>gemeente</dd>"],
        ["<dt>Province</dt>", "<dt>Population</dt>", "<dd>municipality</dd>"],
    ),
}


@pytest.mark.parametrize("template", list(PAGES))
def test_pages_are_english_with_lang_en_and_dutch_without(i18n_app: Any, template: str) -> None:
    path = template.format(**_slugs(i18n_app)) if "{" in template else template
    dutch_fragments, english_fragments = PAGES[template]
    separator = "&" if "?" in path else "?"

    english = _get(i18n_app, f"{path}{separator}lang=en")
    assert '<html lang="en">' in english
    assert [f for f in english_fragments if f not in english] == []
    assert [f for f in dutch_fragments if f in english] == []

    dutch = _get(i18n_app, path)
    assert '<html lang="nl">' in dutch
    assert [f for f in dutch_fragments if f not in dutch] == []
    assert [f for f in english_fragments if f in dutch] == []


def test_counts_use_english_plurals(i18n_app: Any) -> None:
    english = _get(i18n_app, "/componenten?lang=en")
    assert re.search(r"\b\d+ components\b", english)
    assert not re.search(r"\b\d+ componenten\b", english)
    organisations = _get(i18n_app, "/organisaties?lang=en")
    assert re.search(r"<caption>\d+ organisations</caption>", organisations)
    assert re.search(r"<caption>\d+ organisaties</caption>", _get(i18n_app, "/organisaties"))


def test_error_pages_are_translated(i18n_app: Any) -> None:
    english = _get(i18n_app, "/componenten/bestaat-niet?lang=en", expect=404)
    assert "<h1>This page does not exist</h1>" in english
    assert "Deze pagina bestaat niet" not in english
    dutch = _get(i18n_app, "/componenten/bestaat-niet", expect=404)
    assert "<h1>Deze pagina bestaat niet</h1>" in dutch


def test_the_language_choice_is_remembered(i18n_app: Any) -> None:
    client = i18n_app.test_client()
    client.get("/?lang=en")
    assert "<h1>Components</h1>" in client.get("/componenten").get_data(as_text=True)
    assert "<h1>Componenten</h1>" in client.get("/componenten?lang=nl").get_data(as_text=True)
    assert "<h1>Componenten</h1>" in client.get("/componenten").get_data(as_text=True)


# ---------------------------------------------------------------- templates per language


def _without_tokens(html: str) -> str:
    """A page without its CSRF tokens (random per session)."""
    html = re.sub(r'<meta name="csrf-token" content="[^"]*">', "", html)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


# Pages with many fixed messages in their templates, macros, includes and the layout.
SAME_PAGES = [
    "/",
    "/componenten",
    "/componenten?q=zaak&c=open-zaak",
    "/componenten/open-zaak",
    "/referentiecomponenten",
    "/standaarden",
    "/organisaties",
    "/advies",
    "/inloggen",
    "/componenten/bestaat-niet",
]


@pytest.mark.slow  # seconds: see SLOW_FILES in tests/conftest.py
def test_pages_compiled_per_language_are_the_pages_translated_at_runtime(
    i18n_app: Any, app_factory: Any, database_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """catalogue/i18n.py translates fixed messages while it compiles a template for a
    language. The pages must be what runtime translation makes, in both languages, whichever
    language a worker compiled first."""
    from catalogue import i18n

    monkeypatch.setattr(i18n, "_fixed_translator", lambda language: None)
    at_runtime = app_factory(
        database_url, tmp_path / "runtime", BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS)
    )
    monkeypatch.undo()
    try:
        for language in ("en", "nl", "en"):
            for path in SAME_PAGES:
                url = f"{path}{'&' if '?' in path else '?'}lang={language}"
                compiled = i18n_app.test_client().get(url)
                translated = at_runtime.test_client().get(url)
                assert compiled.status_code == translated.status_code, url
                assert _without_tokens(compiled.get_data(as_text=True)) == _without_tokens(
                    translated.get_data(as_text=True)
                ), url
    finally:
        at_runtime.extensions["catalogue_db"].dispose()
    # And the compiled templates did take the messages in: one per language and page.
    names = {key[1] for key in i18n_app.jinja_env.cache.keys()}
    assert {"@nl/pages/component.html", "@en/pages/component.html"} <= names


def test_a_template_compiled_for_a_language_holds_its_fixed_messages_as_text(
    i18n_app: Any,
) -> None:
    environment = i18n_app.jinja_env
    source = (
        '{{ _("Licentie") }}|{{ gettext("Licentie") }}|{{ _("Vergelijk %(name)s", name=n) }}'
        '|{{ _("Kies <b> & \'dit\'") }}|{{ _("A" "B") }}'
    )
    with i18n_app.test_request_context("/?lang=en"):
        i18n_app.preprocess_request()
        english = environment.compile(source, "@en/probe.html", raw=True)
        # A name for another language than the request's is left to runtime translation.
        other = environment.compile(source, "@nl/probe.html", raw=True)
        plain = environment.compile(source, "probe.html", raw=True)
        compiled = environment.template_class.from_code(
            environment,
            environment.compile(source, "@en/probe.html"),
            environment.make_globals(None),
        )
        page = compiled.render(n="<X>")
        at_runtime = environment.from_string(source).render(n="<X>")
    assert "Licence|Licence|" in english and "Licentie" not in english
    # The message with a variable is still translated when the page is made.
    assert "Vergelijk %(name)s" in english
    assert "Licence" not in other and "Licence" not in plain
    # What the page shows is what runtime translation shows: a message is markup, as ``_``
    # makes it; a variable is escaped.
    assert page == at_runtime == "Licence|Licence|Compare &lt;X&gt;|Kies <b> & 'dit'|AB"


def test_templates_have_plain_globals_and_see_a_global_set_after_they_were_loaded(
    i18n_app: Any,
) -> None:
    """A template's globals are a copy of the environment's (a render copies them into its
    context); a change to the environment's globals makes the templates load again."""
    environment = i18n_app.jinja_env
    with i18n_app.test_request_context("/"):
        before = environment.get_template("macros/ui.html")
        assert type(before.globals) is dict
        assert environment.get_template("macros/ui.html") is before
        environment.globals["late_global"] = "later"
        try:
            after = environment.get_template("macros/ui.html")
            assert after is not before
            assert after.globals["late_global"] == "later"
            assert environment.from_string("{{ late_global }}").render() == "later"
            del environment.globals["late_global"]
            assert "late_global" not in environment.get_template("macros/ui.html").globals
            environment.globals |= {"late_global": "merged"}
            merged = environment.get_template("macros/ui.html")
            assert merged.globals["late_global"] == "merged"
        finally:
            environment.globals.pop("late_global", None)


def test_babel_gets_one_parsed_locale_per_language(i18n_app: Any) -> None:
    from flask_babel import get_locale

    from catalogue import i18n

    seen = {}
    for language in ("nl", "en", "nl", "en"):
        with i18n_app.test_request_context(f"/?lang={language}"):
            i18n_app.preprocess_request()
            locale = get_locale()
            assert str(locale) == language
            assert seen.setdefault(language, locale) is locale
            assert i18n.babel_locale() is locale


def test_template_calls_pass_what_each_callable_asks_for(i18n_app: Any) -> None:
    """The environment's shorter call of plain functions and macros (catalogue/i18n.py
    ``_Context``) leaves what Jinja passes to the others as it was."""
    from jinja2 import pass_context, pass_environment, pass_eval_context

    environment = i18n_app.jinja_env
    calls: list[tuple[Any, ...]] = []

    def plain(*args: Any, **kwargs: Any) -> str:
        calls.append(("plain", args, kwargs))
        return "p"

    @pass_context
    def with_context(context: Any, value: Any) -> str:
        calls.append(("context", context.get("shown"), value))
        return "c"

    @pass_eval_context
    def with_eval_context(eval_context: Any, value: Any) -> str:
        calls.append(("eval", eval_context.autoescape, value))
        return "e"

    @pass_environment
    def with_environment(env: Any, value: Any) -> str:
        calls.append(("environment", env is environment, value))
        return "v"

    class Callable:
        @pass_context
        def __call__(self, context: Any, value: Any) -> str:
            calls.append(("callable", context.get("shown"), value))
            return "k"

    def stops() -> str:
        raise StopIteration

    source = (
        "{% macro m(a, b=2) %}[{{ a }}{{ b }}{{ plain(a, k=b) }}]{% endmacro %}"
        "{% for i in [1] %}{{ plain(i) }}{{ with_context(i) }}{% endfor %}"
        "{{ with_eval_context(3) }}{{ with_environment(4) }}{{ callable(5) }}"
        "{{ m(1) }}{{ m(1, b=3) }}|{{ stops() }}|{{ lambda_(6) }}"
    )
    with i18n_app.test_request_context("/"):
        page = environment.from_string(source).render(
            shown="yes",
            plain=plain,
            with_context=with_context,
            with_eval_context=with_eval_context,
            with_environment=with_environment,
            callable=Callable(),
            stops=stops,
            lambda_=lambda value: value * 2,
        )
    assert page == "pcevk[12p][13p]||12"
    assert calls == [
        ("plain", (1,), {}),
        ("context", "yes", 1),
        ("eval", True, 3),
        ("environment", True, 4),
        ("callable", "yes", 5),
        ("plain", (1,), {"k": 2}),
        ("plain", (1,), {"k": 3}),
    ]
