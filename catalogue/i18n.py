"""Languages: Dutch by default, English as a switch (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request
from flask_babel import get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
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
