"""Languages: Dutch by default, English as a switch (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import FunctionType
from typing import Any

from babel import Locale
from flask import Flask, Response, g, has_request_context, request
from flask.templating import Environment as FlaskEnvironment
from flask_babel import get_locale, get_translations
from jinja2 import BaseLoader, Environment, pass_eval_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro
from markupsafe import Markup

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The language of this request: ``?lang=``, then the cookie, then Dutch."""
    from flask import current_app

    offered = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in offered:
            return str(candidate)
    return str(offered[0])


# Babel's locale of each language, parsed once: ``Locale.parse`` of a name costs about 4 µs, and
# Flask-Babel takes a Locale as it is.
_LOCALES: dict[str, Locale] = {}


def babel_locale() -> Locale:
    """Flask-Babel's locale selector: the request's language as :func:`select_locale` chose it
    before the view (``g.lang``; chosen now when something translates before that)."""
    language = g.get("lang") or select_locale()
    locale = _LOCALES.get(language)
    if locale is None:
        locale = _LOCALES[language] = Locale.parse(language)
    return locale


def init_app(app: Flask) -> None:
    """Remember an explicit language choice, and translate templates through
    :func:`request_translations` (Flask-Babel is bound in catalogue/extensions.py)."""
    _install_gettext(app)

    @app.before_request
    def _language() -> None:
        g.lang = select_locale()

    @app.after_request
    def _remember_language(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get(LANGUAGE_COOKIE) != chosen:
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
            )
        response.vary.add("Cookie")
        return response


def request_translations() -> Any:
    """The translations of the request's locale, looked up once per locale and request.

    Flask-Babel's own lookup (domain, locale, cache key) goes through Flask's context locals
    several times per message, and a page translates about a hundred messages. The result is
    kept in Flask-Babel's per-request namespace beside the locale it belongs to, so
    ``force_locale`` (which swaps that locale object) still gets its own language.
    """
    namespace = g.get("_flask_babel")
    locale = getattr(namespace, "babel_locale", None)
    kept = getattr(namespace, "page_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    namespace = g.get("_flask_babel")
    locale = getattr(namespace, "babel_locale", None)
    if namespace is not None and locale is not None:
        namespace.page_translations = (locale, translations)
    return translations


# Messages without variables, translated, marked safe and formatted, per translations object
# (Flask-Babel keeps one per locale): the same few hundred messages on every page. Bounded, in
# case a template ever translates a value that is not a fixed message.
_SAFE_MESSAGES_MAX = 5000


def _translate(translations: Any, autoescape: bool, string: str, variables: dict[str, Any]) -> str:
    """One message: translated, marked safe where the template escapes, and formatted with
    the (escaped) variables, always, as Jinja's new-style gettext does (``%%`` means the same
    in every message)."""
    if not autoescape:
        return translations.ugettext(string) % variables  # type: ignore[no-any-return]
    if variables:
        # Our own catalogue's messages: safe as Jinja's gettext marks them; variables escaped.
        return Markup(translations.ugettext(string)) % variables  # noqa: S704
    safe: dict[str, Markup] = translations.__dict__.setdefault("_componentenwijzer_safe", {})
    found = safe.get(string)
    if found is None:
        found = Markup(translations.ugettext(string)) % variables  # noqa: S704
        if len(safe) < _SAFE_MESSAGES_MAX:
            safe[string] = found
    return found


def _translate_plural(
    translations: Any,
    autoescape: bool,
    forms: tuple[str, str, int],
    variables: dict[str, Any],
) -> str:
    """``ngettext``: as :func:`_translate`, with ``num`` a variable too."""
    variables.setdefault("num", forms[2])
    text = translations.ungettext(*forms)
    if autoescape:
        text = Markup(text)  # noqa: S704 - our own catalogue's messages
    return text % variables  # type: ignore[no-any-return]


@pass_eval_context
def _gettext(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
    """``_()`` in macros imported without context (they see the globals)."""
    return _translate(request_translations(), eval_context.autoescape, string, variables)


@pass_eval_context
def _ngettext(
    eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    """``ngettext()`` in macros imported without context."""
    return _translate_plural(
        request_translations(), eval_context.autoescape, (singular, plural, num), variables
    )


def _translation_context() -> dict[str, Any]:
    """The context processor: each render gets ``_``/``gettext``/``ngettext`` bound to the
    request's translations, looked up once per render instead of once per message.

    Jinja's own new-style ``_`` goes through three ``Context.call`` layers (the alias, the
    wrapper, the translation function) for every message, and a page translates about a
    hundred. Templates included by a page see these too; macros imported without context see
    :func:`_gettext` and :func:`_ngettext`, which give the same messages.
    """
    translations = request_translations()

    @pass_eval_context
    def gettext(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
        return _translate(translations, eval_context.autoescape, string, variables)

    @pass_eval_context
    def ngettext(
        eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        return _translate_plural(
            translations, eval_context.autoescape, (singular, plural, num), variables
        )

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def _install_gettext(app: Flask) -> None:
    """Templates translate through :func:`request_translations` (same messages, fewer lookups)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    app.context_processor(_translation_context)


# ------------------------------------------------------------------ templates per language
#
# A page translates about a hundred fixed messages (``_("Licentie")``); at runtime each is a
# Jinja ``Context.call`` and a lookup, about 2 µs. Templates are instead compiled once per
# language, with every fixed message in them already translated: the page's template is looked
# up under its language's prefix (``@en/pages/component.html``), templates it extends, includes
# or imports get the same prefix, the loader reads the template under its own name, and
# :class:`FixedMessages` replaces each ``_("…")`` or ``gettext("…")`` of one string literal
# (no variables) by its translation, marked safe as ``_`` marks it; Jinja then writes it into
# the compiled template as text. Messages with variables are translated at runtime as before,
# and so is every template looked up outside a request. Babel still extracts the messages from
# the templates' source, which does not change.

_PREFIX = "@"


def _prefixed(name: str) -> tuple[str, str] | None:
    """(language, name) of a template name with a language prefix, else None."""
    if not name.startswith(_PREFIX):
        return None
    language, slash, rest = name[len(_PREFIX) :].partition("/")
    return (language, rest) if slash and language else None


def _template_language() -> str | None:
    """The language a page's templates are compiled for now: the request's locale (as
    Flask-Babel has it, ``force_locale`` included), or None outside a request."""
    if not has_request_context():
        return None
    locale = get_locale()
    return None if locale is None else str(locale)


class LanguageLoader(BaseLoader):
    """Reads ``@<language>/<name>`` as ``<name>`` from the app's own loader."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        found = _prefixed(template)
        return self.loader.get_source(environment, found[1] if found else template)

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


class _Globals(dict[str, Any]):
    """The environment's globals: a change forgets the compiled templates, whose globals are a
    copy of these (:meth:`LanguageEnvironment.make_globals`)."""

    def __init__(self, environment: Environment, *args: Any) -> None:
        super().__init__(*args)
        self._environment = environment

    def _changed(self) -> None:
        cache = getattr(self._environment, "cache", None)
        if cache is not None:
            cache.clear()

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: str, default: Any = None) -> Any:
        found = super().setdefault(key, default)
        self._changed()
        return found

    def pop(self, key: str, *default: Any) -> Any:
        found = super().pop(key, *default)
        self._changed()
        return found

    def popitem(self) -> tuple[str, Any]:
        found = super().popitem()
        self._changed()
        return found

    def clear(self) -> None:
        super().clear()
        self._changed()

    def __ior__(self, other: Any) -> _Globals:  # type: ignore[override,misc]
        # dict's own ``|=`` merges in C, past the ``update`` above.
        super().__ior__(other)
        self._changed()
        return self


# The mark ``pass_eval_context`` puts on a function, as Jinja makes it.
_WANTS_EVAL_CONTEXT = pass_eval_context(lambda: None).jinja_pass_arg  # type: ignore[attr-defined]


class _Context(Context):
    """Jinja's template context, with a shorter way to call a plain function or a macro.

    A template calls every function through :meth:`Context.call`, which first asks the function
    (and its ``__call__``) whether it wants the context, the evaluation context or the
    environment passed in: two class-method calls, a ``hasattr`` and a bound method each time,
    about a microsecond of the two to three a call costs. A macro and a Python function that
    wants none of them (no ``jinja_pass_arg``) or only the evaluation context (as ``_`` does:
    ``pass_eval_context``) are called at once, as Jinja would call them; everything else goes
    Jinja's way.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        kind = type(__obj)
        if kind is Macro or kind is FunctionType:
            wants = None if kind is Macro else getattr(__obj, "jinja_pass_arg", None)
            if wants is None or wants is _WANTS_EVAL_CONTEXT:
                if kwargs:
                    kwargs.pop("_block_vars", None)
                    kwargs.pop("_loop_vars", None)
                if wants is not None:
                    args = (__self.eval_ctx, *args)
                try:
                    return __obj(*args, **kwargs)
                except StopIteration:
                    return __self.environment.undefined(
                        "value was undefined because a callable raised a StopIteration exception"
                    )
        return super().call(__obj, *args, **kwargs)


class LanguageEnvironment(FlaskEnvironment):
    """Flask's template environment, with each page's templates compiled per language, each
    template's globals a plain dictionary, and a shorter call of plain functions."""

    context_class = _Context

    def __init__(self, app: Any, **options: Any) -> None:
        options["loader"] = LanguageLoader(
            options.get("loader") or app.create_global_jinja_loader()
        )
        extensions = list(options.get("extensions") or ())
        options["extensions"] = [*extensions, FixedMessages]
        super().__init__(app, **options)
        self.globals = _Globals(self, self.globals)

    def make_globals(self, d: Any) -> Any:
        """A copy of the environment's globals with the template's own over them.

        Jinja's is a ``ChainMap`` of the two, and every render copies a template's globals into
        its context and makes a set of their names: through a ``ChainMap`` that is a Python call
        per name, for some fifty names, several times a page. A change to the environment's
        globals (:class:`_Globals`) forgets the compiled templates, so none keeps a stale copy.
        """
        return {**self.globals, **d} if d else dict(self.globals)

    def get_template(
        self,
        name: Any,
        parent: str | None = None,
        globals: Any = None,  # noqa: A002 - Jinja's name
    ) -> Any:
        if isinstance(name, str) and parent is None and _prefixed(name) is None:
            language = _template_language()
            if language is not None:
                name = f"{_PREFIX}{language}/{name}"
        return super().get_template(name, parent, globals)

    def join_path(self, template: str, parent: str) -> str:
        # A template named by another (extends, include, import) is of the same language.
        found = _prefixed(parent)
        if found is None or _prefixed(template) is not None:
            return template
        return f"{_PREFIX}{found[0]}/{template}"


class FixedMessages(Extension):
    """Translates fixed messages while a template is compiled for a language (see above)."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        found = _prefixed(stream.name or "")
        translate = _fixed_translator(found[0]) if found else None
        if translate is None:
            yield from stream
            return
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            token = tokens[at]
            window = tokens[at : at + 4]
            if (
                token.type == "name"
                and token.value in ("_", "gettext")
                and [t.type for t in window] == ["name", "lparen", "string", "rparen"]
                and (at == 0 or tokens[at - 1].type != "dot")
            ):
                text = translate(window[2].value)
                if text is not None:
                    line = token.lineno
                    # ("translated"|safe): a constant Jinja writes into the template as text.
                    yield Token(line, "lparen", "(")
                    yield Token(line, "string", text)
                    yield Token(line, "pipe", "|")
                    yield Token(line, "name", "safe")
                    yield Token(line, "rparen", ")")
                    at += 4
                    continue
            yield token
            at += 1


def _fixed_translator(language: str) -> Callable[[str], str | None] | None:
    """The compile-time translation of a fixed message in ``language``: what ``_`` gives at
    runtime (:func:`_translate` without variables), or None where that would fail. None
    altogether unless the request's own language is ``language`` (its translations are the
    ones at hand)."""
    if _template_language() != language:
        return None
    translations = request_translations()

    def translate(message: str) -> str | None:
        try:
            return str(Markup(translations.ugettext(message)) % {})  # noqa: S704 - our messages
        except (KeyError, ValueError, TypeError):
            return None

    return translate
