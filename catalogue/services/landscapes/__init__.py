"""An organisation's own application landscape: private to its confirmed members.

Who may do what is decided by :func:`catalogue.services.permissions.is_confirmed_member` and
nothing else: viewers read, editors write. To anyone else a landscape does not exist: reading
raises NotFound with the same message whether or not the organisation has one, so an error
never tells an outsider anything. The command line (someone with shell access) is ``trusted``.

Every save adds a revision (who, how, when, what changed); ``expected_version`` is the
optimistic lock, as for submissions. Publishing an application adds a sourced usage claim to
the public catalogue; withdrawing removes it again.

The package, by responsibility:

- ``access``: who may see and change a landscape;
- ``reading``: what a member sees, and the indexes an exchange file is read against;
- ``writing``: saving, importing and exporting exchange files, publishing usage claims;
- ``radar``: contract deadlines and their iCalendar feed;
- ``peers``: what comparable organisations use.

Callers use the names below (``landscapes.landscape_of``). The modules import each other's
underscore names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.services.landscapes.access import (
    NO_LANDSCAPE,
    ORGANISATION_KINDS,
    may_view,
    organisation_for,
    own_landscape_code,
    require_member,
)
from catalogue.services.landscapes.peers import (
    ENOUGH_PEERS,
    SIZE_BANDS,
    PeersView,
    PeerUse,
    peers,
    size_band,
)
from catalogue.services.landscapes.radar import (
    Deadline,
    create_feed,
    feed_deadlines,
    has_feed,
    radar,
    revoke_feeds,
)
from catalogue.services.landscapes.reading import (
    CLAIM_TYPE,
    LandscapeView,
    catalogue_index,
    landscape_of,
    read_file,
    reference_index,
)
from catalogue.services.landscapes.writing import (
    claim_source,
    export_file,
    import_file,
    publish_usage,
    save_landscape,
    withdraw_usage,
)

__all__ = [
    "CLAIM_TYPE",
    "ENOUGH_PEERS",
    "NO_LANDSCAPE",
    "ORGANISATION_KINDS",
    "SIZE_BANDS",
    "Deadline",
    "LandscapeView",
    "PeerUse",
    "PeersView",
    "catalogue_index",
    "claim_source",
    "create_feed",
    "export_file",
    "feed_deadlines",
    "has_feed",
    "import_file",
    "landscape_of",
    "may_view",
    "organisation_for",
    "own_landscape_code",
    "peers",
    "publish_usage",
    "radar",
    "read_file",
    "reference_index",
    "require_member",
    "revoke_feeds",
    "save_landscape",
    "size_band",
    "withdraw_usage",
]
