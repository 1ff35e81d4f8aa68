"""The format checks the publiccode parser hands to kept libraries, at their edges."""

from __future__ import annotations

import pytest

from catalogue.publiccode.formats import _graphemes, _is_language_tag, is_spdx_expression


@pytest.mark.parametrize(
    ("tag", "valid"),
    [
        ("nl", True),
        ("nl-NL", True),
        ("zh-Hant-TW", True),
        ("de-CH-1901", True),
        ("es-419", True),
        ("en-US-u-ca-gregory", True),
        ("en-x-private", True),
        ("en_GB", False),  # POSIX, not BCP 47 (the official parser's own test file)
        ("en-QQ", False),  # a private-use region is no country
        ("en-EU", False),
        ("xx-YY", False),
        ("en-", False),
        ("en--US", False),
        ("nl-xyzzy1", False),  # a well-formed but unregistered variant
        ("", False),
    ],
)
def test_language_tags(tag: str, valid: bool) -> None:
    assert _is_language_tag(tag) is valid


@pytest.mark.parametrize(
    ("expression", "valid"),
    [
        ("EUPL-1.2", True),
        ("GPL-2.0+", True),
        ("mit or (apache-2.0)", True),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", True),
        ("LicenseRef-municipal", True),
        ("DocumentRef-spdx-doc:LicenseRef-municipal", True),
        ("DocumentRef-spdx-doc:MIT", False),
        ("MIT AND", False),
        ("(MIT", False),
        ("MIT WITH MIT", False),
        ("GPL-2.0 WITH Not-an-exception", False),
        ("Not-a-licence", False),
        ("", False),
    ],
)
def test_spdx_expressions(expression: str, valid: bool) -> None:
    assert is_spdx_expression(expression) is valid


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("abc", 3),
        ("e\u0301", 1),  # e + combining acute
        ("\U0001f1f3\U0001f1f1\U0001f1e7\U0001f1ea", 2),  # two flags
        ("\U0001f469\u200d\U0001f469\u200d\U0001f467", 1),  # one family emoji
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up with a skin tone
        ("\r\n", 1),
        ("\u1100\u1161\u11a8", 1),  # a Hangul syllable written with conjoining jamo
    ],
)
def test_graphemes(text: str, count: int) -> None:
    assert _graphemes(text) == count
