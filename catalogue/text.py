"""Small text helpers shared by services: slugs and repository URL identity."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 100) -> str:
    """A lowercase ASCII slug: ``'Open Zaak (ZAC)'`` becomes ``'open-zaak-zac'``.

    >>> slugify("Súdwest-Fryslân")
    'sudwest-fryslan'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def normalise_repository_url(url: str) -> str:
    """The identity of a repository URL: https, no ``.git`` suffix, no trailing slash, lowercase host.

    >>> normalise_repository_url("http://GitHub.com/open-zaak/open-zaak.git/")
    'https://github.com/open-zaak/open-zaak'
    """
    cleaned = url.strip()
    match = re.match(r"^(?:https?://)?([^/]+)(/.*)?$", cleaned, flags=re.IGNORECASE)
    if not match:
        return cleaned
    host, path = match.group(1).lower(), (match.group(2) or "")
    path = path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    return f"https://{host}{path}"


def unique_slug(name: str, taken: set[str]) -> str:
    """A slug of ``name`` not yet in ``taken`` (``-2``, ``-3``, ... when needed); adds it to ``taken``.

    >>> unique_slug("Open Zaak", {"open-zaak"})
    'open-zaak-2'
    """
    base = slugify(name)
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug
