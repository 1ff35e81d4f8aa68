"""The words of the pure readers' issues, from the one gettext catalogue.

The publiccode.yml parser (``catalogue/publiccode``) and the ArchiMate reader
(``catalogue/ameff``) may not use Flask-Babel, yet their texts are translated like every other:
an issue carries a stable code and its parameters (JSON-safe values), and its text is a Dutch
msgid marked with :func:`N_` (pybabel extracts that keyword: ``babel.cfg``,
``scripts/translations.sh``), whose English is the msgstr in
``catalogue/translations/en/LC_MESSAGES/messages.po``.

:func:`render` words one text: it translates the msgid, then formats the parameters into it
(``%(name)s``, as every other message). A list parameter reads as a quoted list with the
catalogue's "of"/"or". The readers render their ``message`` (English) and ``message_nl``
(Dutch) with :func:`gettext_in`, which reads the compiled ``messages.mo`` with the standard
library; the pages render the same msgid through Flask-Babel in the reader's language.

Pure: standard library only.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

Gettext = Callable[[str], str]

TRANSLATIONS: Final = Path(__file__).resolve().parent / "translations"
DOMAIN: Final = "messages"


def N_(message: str) -> str:
    """Mark a Dutch msgid for extraction; it is translated where it is shown."""
    return message


@functools.cache
def _translations(language: str) -> _gettext.NullTranslations:
    # Dutch is the source language and has no catalogue: its translations give the msgid back.
    return _gettext.translation(DOMAIN, TRANSLATIONS, languages=[language], fallback=True)


def gettext_in(language: str) -> Gettext:
    """The catalogue's ``gettext`` for one language (``"nl"`` gives the Dutch msgid back)."""
    return _translations(language).gettext


# The last two items of a list: "a", "b" of "c".
_LIST: Final = N_("%(items)s of %(last)s")


def quoted_list(values: list[Any] | tuple[Any, ...], gettext: Gettext) -> str:
    """``"a", "b" of "c"`` in the language of ``gettext``."""
    quoted = [f'"{value}"' for value in values]
    if len(quoted) < 2:
        return "".join(quoted)
    return gettext(_LIST) % {"items": ", ".join(quoted[:-1]), "last": quoted[-1]}


def render(msgid: str, params: Mapping[str, Any], gettext: Gettext) -> str:
    """One text in the language of ``gettext``: the msgid translated, then its parameters
    formatted in (a list as a quoted list)."""
    values = {
        name: quoted_list(value, gettext) if isinstance(value, list | tuple) else value
        for name, value in params.items()
    }
    return gettext(msgid) % values
