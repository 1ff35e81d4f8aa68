"""The landscape on the site: members only, upload with a preview, revisions with optimistic
locking, export, publishing usage, the radar and its iCalendar feed, advice for the landscape,
and privacy everywhere else (pages, API, search, exports, errors and the page cache)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import select

from catalogue import ameff
from catalogue.models import LandscapeRevision, OrgRole, Role, Usage, User
from tests.accounts import Account, csrf_of, make_account, sign_in
from tests.conftest import ROOT

GEMMA_FILE = ROOT / "tests" / "catalogue" / "ameff" / "gemeente-met-gemma.xml"
CODE = "GM0197"  # Aalten, a small municipality (27,471 inhabitants on 31-12-2024)
BASE = f"/organisaties/{CODE}/landschap"
PRIVATE_NAME = "Formulierenpakket Testleverancier"  # an application only the landscape names


def _member(app: Any, email: str, *, role: OrgRole | None, organisation: str = CODE) -> Account:
    """An account of ``organisation``; ``role`` None means registered but not confirmed."""
    account = make_account(app, Role.MAINTAINER, email=email, organisation=organisation)
    with app.extensions["catalogue_db"].session() as session:
        user = session.get(User, account.id)
        assert user is not None
        user.organisation_confirmed = role is not None
        user.organisation_role = (role or OrgRole.VIEWER).value
    return account


@pytest.fixture
def people(app: Any) -> dict[str, Account]:
    """Members of Aalten of each role, and everyone who must see nothing."""
    return {
        "editor": _member(app, "architect@aalten.example", role=OrgRole.EDITOR),
        "viewer": _member(app, "lezer@aalten.example", role=OrgRole.VIEWER),
        "beheerder": _member(app, "beheer@aalten.example", role=OrgRole.BEHEERDER),
        "unconfirmed": _member(app, "nieuw@aalten.example", role=None),
        "supplier": _member(
            app, "verkoop@conduction.example", role=OrgRole.EDITOR, organisation="conduction"
        ),
        "other_municipality": _member(
            app, "architect@utrecht.example", role=OrgRole.EDITOR, organisation="GM0344"
        ),
        "admin": make_account(app, Role.ADMIN, email="admin@amsterdam.example"),
    }


OUTSIDERS = ("unconfirmed", "supplier", "other_municipality", "admin")


def _client(app: Any, account: Account | None) -> Any:
    client = app.test_client()
    return sign_in(client, account) if account else client


def _import(client: Any, data: bytes | None = None, name: str = "landschap.xml") -> Any:
    """Upload, then save from the preview, as a person would."""
    token = csrf_of(client, BASE + "/importeren")
    preview = client.post(
        BASE + "/importeren",
        data={"csrf_token": token, "file": (_bytes_io(data or GEMMA_FILE.read_bytes()), name)},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)[-1500:]
    page = preview.get_data(as_text=True)
    fields = dict(
        re.findall(r'<input[^>]*name="(content|file_name|lock_version)"[^>]*value="([^"]*)"', page)
    )
    return client.post(BASE + "/opslaan", data={"csrf_token": token, **fields})


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _revisions(app: Any) -> list[LandscapeRevision]:
    with app.extensions["catalogue_db"].session() as session:
        return list(session.scalars(select(LandscapeRevision).order_by(LandscapeRevision.number)))


# ---------------------------------------------------------------- the member's way


def test_an_editor_previews_saves_and_sees_the_landscape(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    token = csrf_of(editor, BASE + "/importeren")
    preview = editor.post(
        BASE + "/importeren",
        data={"csrf_token": token, "file": (_bytes_io(GEMMA_FILE.read_bytes()), "aalten.xml")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "proefrit" in page and PRIVATE_NAME in page
    assert "onbekend" in page  # the unreadable contract end is a warning on the preview
    assert _revisions(app) == []  # the preview saved nothing
    saved = _import(editor)
    assert saved.status_code == 303
    overview = editor.get(BASE).get_data(as_text=True)
    assert PRIVATE_NAME in overview and "Zaakregistratiecomponent" in overview
    assert overview.count("onbekend") >= 3  # unknown supplier/version/hosting are "onbekend"
    revisions = _revisions(app)
    assert [r.number for r in revisions] == [1]
    assert revisions[0].actor_id == people["editor"].id and revisions[0].origin == "import"
    assert response_is_private(editor.get(BASE))


def response_is_private(response: Any) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_viewer_reads_but_cannot_change(app: Any, people: dict[str, Account]) -> None:
    _import(_client(app, people["editor"]))
    viewer = _client(app, people["viewer"])
    assert PRIVATE_NAME in viewer.get(BASE).get_data(as_text=True)
    assert viewer.get(BASE + "/importeren").status_code == 403
    token = csrf_of(viewer, BASE)
    response = viewer.post(
        BASE + "/publiceren", data={"csrf_token": token, "component": "open-zaak"}
    )
    assert response.status_code == 403
    assert viewer.get(BASE + "/export.xml").status_code == 200


def test_a_stale_save_is_refused_and_both_revisions_are_kept(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    colleague = _client(app, people["beheerder"])
    token = csrf_of(editor, BASE + "/importeren")
    preview = editor.post(
        BASE + "/importeren",
        data={"csrf_token": token, "file": (_bytes_io(GEMMA_FILE.read_bytes()), "a.xml")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    fields = dict(
        re.findall(
            r'<input[^>]*name="(content|file_name|lock_version)"[^>]*value="([^"]*)"', preview
        )
    )
    assert _import(colleague).status_code == 303  # the colleague saves first
    late = editor.post(BASE + "/opslaan", data={"csrf_token": token, **fields})
    assert late.status_code == 409
    assert [r.number for r in _revisions(app)] == [1]
    assert _import(editor).status_code == 303  # looking again and retrying works
    assert [r.number for r in _revisions(app)] == [1, 2]


@pytest.mark.both_backends
def test_the_export_is_valid_and_round_trips_through_the_site(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    exported = editor.get(BASE + "/export.xml")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert ameff.schema_problems(exported.data) == []
    assert _import(editor, exported.data, "export.xml").status_code == 303
    first, second = _revisions(app)
    assert first.applications == second.applications


def test_publishing_adds_a_sourced_claim_and_withdrawing_removes_it(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    token = csrf_of(editor, BASE)
    assert (
        editor.post(
            BASE + "/publiceren", data={"csrf_token": token, "component": "open-zaak"}
        ).status_code
        == 303
    )
    with app.extensions["catalogue_db"].session() as session:
        usage = session.scalar(select(Usage).where(Usage.claim_type == "landschap"))
        assert usage is not None and usage.component.slug == "open-zaak"
        # Named as everywhere in public: no display name, so "medewerker <id>"; never an e-mail.
        assert re.fullmatch(
            rf"landschap van Gemeente Aalten, gepubliceerd door medewerker {people['editor'].id}"
            r" op \d{4}-\d{2}-\d{2}",
            usage.source_ref,
        ), usage.source_ref
        assert "@" not in usage.source_ref
    public = app.test_client().get("/componenten/open-zaak").get_data(as_text=True)
    assert "landschap van Gemeente Aalten" in public
    # Only what is in the landscape can be published.
    refused = editor.post(
        BASE + "/publiceren", data={"csrf_token": token, "component": "signalen-niet"}
    )
    assert refused.status_code == 422
    assert (
        editor.post(
            BASE + "/intrekken", data={"csrf_token": token, "component": "open-zaak"}
        ).status_code
        == 303
    )
    with app.extensions["catalogue_db"].session() as session:
        assert session.scalar(select(Usage).where(Usage.claim_type == "landschap")) is None
    assert "landschap van Gemeente Aalten" not in app.test_client().get(
        "/componenten/open-zaak"
    ).get_data(as_text=True)


def test_advice_for_the_landscape_needs_no_retyping(app: Any, people: dict[str, Account]) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    response = editor.get(BASE + "/advies")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/advies?")
    assert "gemeente=GM0197" in location
    assert "heeft=open-zaak" in location and "heeft=signalen" in location
    assert "gedekt=e-formulieren-publicatie-en-beheercomponent" in location
    form = editor.get(location).get_data(as_text=True)
    # The form comes back filled in with what we run.
    assert re.search(r'value="open-zaak"[^>]*checked|checked[^>]*value="open-zaak"', form)
    # A plan where the landscape already covers everything asked answers, without a picture.
    covered = "referentie=zaakregistratiecomponent&gedekt=zaakregistratiecomponent"
    assert editor.get("/advies/plan?" + covered).status_code == 200


def test_the_radar_links_to_a_replacement_plan(app: Any, people: dict[str, Account]) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    page = editor.get(BASE + "/radar").get_data(as_text=True)
    links = re.findall(r'href="(/advies/plan\?[^"]+)"', page)
    assert links
    for link in links:
        assert editor.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_radar_orders_by_notice_deadline_and_offers_replacements(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    page = editor.get(BASE + "/radar").get_data(as_text=True)
    # open zaak: ends 2026-12-31, 6 months notice -> 2026-06-30; the forms package: 2027-03-31, 3 -> 2026-12-31.
    assert page.index("2026-06-30") < page.index("2026-12-31")
    assert page.index("open zaak") < page.index(PRIVATE_NAME)
    assert "Advies voor vervanging" in page
    # The Reports app (Signalen) has no readable contract end, so it is not on the radar.
    assert "Reports app" not in page


def test_the_calendar_feed_is_secret_and_revocable(app: Any, people: dict[str, Account]) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    token = csrf_of(editor, BASE + "/radar")
    page = editor.post(BASE + "/agenda", data={"csrf_token": token}).get_data(as_text=True)
    url = re.search(r'value="(http[^"]+\.ics)"', page)
    assert url
    path = url.group(1).split("localhost", 1)[1]
    feed = app.test_client().get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20260630" in body and "BEGIN:VCALENDAR" in body
    assert app.test_client().get("/landschap/agenda/geraden.ics").status_code == 404
    editor.post(BASE + "/agenda/intrekken", data={"csrf_token": token})
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize(
    ("display_name", "named"),
    [
        ("Anna de Vries", "Anna de Vries"),
        (None, "medewerker 7"),
        ("   ", "medewerker 7"),
        ("anna@aalten.example", "medewerker 7"),  # an address typed in as a name is not shown
    ],
)
def test_a_published_claim_names_the_member_by_display_name_never_by_e_mail(
    display_name: str | None, named: str
) -> None:
    import datetime as dt

    from catalogue.models import Organisation
    from catalogue.services.landscapes import claim_source

    member = User(id=7, email="anna@aalten.example", display_name=display_name)
    source = claim_source(Organisation(name="Gemeente Aalten"), member, dt.date(2026, 12, 7))
    assert source == f"landschap van Gemeente Aalten, gepubliceerd door {named} op 2026-12-07"
    assert "@" not in source


# ---------------------------------------------------------------- nobody else sees anything


# What an outsider gets. An unconfirmed account lacks the landscape permission altogether
# (Harden: unconfirmed accounts keep only draft rights), so the role check refuses it with 403
# for every organisation alike, before any landscape is looked up; the others hold the
# permission and meet the membership check, which answers 404. Neither tells whether a landscape
# exists (the comparison with GM0014 below).
REFUSAL = {"unconfirmed": 403}


@pytest.mark.parametrize("who", [None, *OUTSIDERS])
def test_outsiders_see_nothing_of_the_landscape(
    app: Any, people: dict[str, Account], who: str | None
) -> None:
    _import(_client(app, people["editor"]))
    client = _client(app, people[who] if who else None)
    for path in ("", "/importeren", "/radar", "/advies", "/export.xml"):
        response = client.get(BASE + path)
        body = response.get_data(as_text=True)
        if who is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            expected = REFUSAL.get(who, 404)
            assert response.status_code == expected, (who, path, response.status_code)
        assert PRIVATE_NAME not in body and "Testleverancier" not in body
    # A landscape that does not exist answers exactly the same.
    if who is not None:
        other = client.get("/organisaties/GM0014/landschap")
        assert other.status_code == REFUSAL.get(who, 404)
        assert _detail(other, "GM0014") == _detail(client.get(BASE), CODE)


def _detail(response: Any, code: str) -> str:
    """The page without what differs by request anyway: the address and the CSRF token."""
    text = response.get_data(as_text=True).replace(code, "CODE")
    return re.sub(r'content="[^"]+"|value="[^"]+"', "", text)


def test_an_unconfirmed_account_cannot_write_either(app: Any, people: dict[str, Account]) -> None:
    client = _client(app, people["unconfirmed"])
    token = csrf_of(client, "/bijdragen")
    response = client.post(
        BASE + "/importeren",
        data={"csrf_token": token, "file": (_bytes_io(GEMMA_FILE.read_bytes()), "x.xml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == REFUSAL["unconfirmed"]  # no landscape permission at all
    assert _revisions(app) == []


def test_search_api_and_public_pages_never_show_the_landscape(
    app: Any, people: dict[str, Account]
) -> None:
    _import(_client(app, people["editor"]))
    anonymous = app.test_client()
    # The query is echoed back, so each search looks for a word of the landscape it did not ask.
    for path, secret in (
        ("/componenten?q=Testleverancier", "Formulierenpakket"),
        ("/componenten?q=Formulierenpakket", "Testleverancier"),
        ("/api/v1/components?q=Formulierenpakket", "Testleverancier"),
        ("/organisaties/gemeente-aalten", "Testleverancier"),
        ("/componenten/open-zaak", "Team Zaakgericht Werken"),
        ("/referentiecomponenten/e-formulieren-publicatie-en-beheercomponent", "Testleverancier"),
    ):
        response = anonymous.get(path)
        assert response.status_code < 400, path
        assert secret not in response.get_data(as_text=True), path
    supplier = _client(app, people["supplier"])
    page = supplier.get("/componenten?q=Testleverancier").get_data(as_text=True)
    assert "Formulierenpakket" not in page


def test_a_private_page_is_never_cached_for_another_user(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    first = editor.get(BASE)
    assert PRIVATE_NAME in first.get_data(as_text=True)
    assert "private" in first.headers["Cache-Control"]
    # The same address, right after, for an anonymous reader and for a supplier.
    assert app.test_client().get(BASE).status_code == 302
    supplier = _client(app, people["supplier"])
    assert PRIVATE_NAME not in supplier.get(BASE).get_data(as_text=True)
    cache = app.extensions.get("catalogue_page_cache")
    if cache is not None:
        assert not any("/landschap" in str(key[0]) for key in cache._pages)  # noqa: SLF001


def test_the_nav_links_a_member_to_their_landscape_only(
    app: Any, people: dict[str, Account]
) -> None:
    member = _client(app, people["viewer"]).get("/componenten").get_data(as_text=True)
    assert f'href="{BASE}"' in member
    outsider = _client(app, people["unconfirmed"]).get("/componenten").get_data(as_text=True)
    assert "/landschap" not in outsider


def test_peers_are_counted_from_published_claims_with_their_sources(
    app: Any, people: dict[str, Account]
) -> None:
    from catalogue.services.landscapes import size_band

    editor = _client(app, people["editor"])
    _import(editor)
    page = editor.get(BASE + "/gelijken").get_data(as_text=True)
    # Buren (Gelderland, like Aalten, and in the same CBS band) published that it uses Open Zaak.
    assert size_band(27_471) == size_band(26_000) == (20_000, 50_000)
    assert "Gemeente Buren" in page and "github:open-zaak/open-zaak/publiccode.yaml" in page
    assert "Gemeente Amsterdam" not in page  # neither as big nor in Gelderland
    assert "Zaakregistratiecomponent" in page
    # Another municipality's private landscape never counts: Buren's claims are all there is.
    assert PRIVATE_NAME not in page
    assert _client(app, people["supplier"]).get(BASE + "/gelijken").status_code == 404


def test_too_little_data_is_said_plainly(app: Any, people: dict[str, Account]) -> None:
    from catalogue.services import landscapes

    _import(_client(app, people["editor"]))
    with app.extensions["catalogue_db"].session() as session:
        organisation = landscapes.organisation_for(session, CODE)
        user = session.get(User, people["viewer"].id)
        view = landscapes.peers(session, organisation, actor=user)
        expected = view.peers_with_claims < landscapes.ENOUGH_PEERS
    page = _client(app, people["viewer"]).get(BASE + "/gelijken").get_data(as_text=True)
    assert ("Te weinig gegevens om te vergelijken" in page) == expected


def test_a_feed_stops_when_its_member_is_no_longer_confirmed(
    app: Any, people: dict[str, Account]
) -> None:
    editor = _client(app, people["editor"])
    _import(editor)
    token = csrf_of(editor, BASE + "/radar")
    page = editor.post(BASE + "/agenda", data={"csrf_token": token}).get_data(as_text=True)
    found = re.search(r'value="http://localhost(/landschap/agenda/[^"]+\.ics)"', page)
    assert found
    assert app.test_client().get(found.group(1)).status_code == 200
    with app.extensions["catalogue_db"].session() as session:
        user = session.get(User, people["editor"].id)
        assert user is not None
        user.organisation_confirmed = False
    assert app.test_client().get(found.group(1)).status_code == 404


def test_errors_in_json_tell_an_outsider_nothing(app: Any, people: dict[str, Account]) -> None:
    _import(_client(app, people["editor"]))
    supplier = _client(app, people["supplier"])
    headers = {"Accept": "application/json"}
    existing = supplier.get(BASE, headers=headers)
    missing = supplier.get("/organisaties/GM0014/landschap", headers=headers)
    assert existing.status_code == missing.status_code == 404
    assert existing.get_json() == missing.get_json()
    assert PRIVATE_NAME not in existing.get_data(as_text=True)


def test_a_broken_upload_is_refused_with_its_line(app: Any, people: dict[str, Account]) -> None:
    # The size cap is tested on the reader (tests/catalogue/test_ameff.py): a test client upload
    # of more than 500 kB leaves werkzeug's spooled temporary file open.
    editor = _client(app, people["editor"])
    token = csrf_of(editor, BASE + "/importeren")
    broken = editor.post(
        BASE + "/importeren",
        data={"csrf_token": token, "file": (_bytes_io(b"<model>\n<oops"), "x.xml")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 422
    assert "regel 2" in broken.get_data(as_text=True)
    assert _revisions(app) == []


def test_findings_and_refusals_read_in_the_readers_language(
    app: Any, people: dict[str, Account]
) -> None:
    reading = ameff.read(GEMMA_FILE.read_bytes(), reference_components=[], catalogue=[])
    contract = next(w for w in reading.warnings if w.code == "contract-end-not-date")
    with pytest.raises(ameff.AmeffError) as caught:
        ameff.read(b"<model>\n<oops", reference_components=[], catalogue=[])
    refusal = caught.value
    for lang, shown, hidden in (
        ("en", (contract.message, refusal.message), (contract.message_nl, refusal.message_nl)),
        ("nl", (contract.message_nl, refusal.message_nl), (contract.message, refusal.message)),
    ):
        editor = _client(app, people["editor"])
        path = f"{BASE}/importeren?lang={lang}"
        token = csrf_of(editor, path)
        pages = [
            editor.post(
                path,
                data={"csrf_token": token, "file": (_bytes_io(data), "x.xml")},
                content_type="multipart/form-data",
            ).get_data(as_text=True)
            for data in (GEMMA_FILE.read_bytes(), b"<model>\n<oops")
        ]
        for page, wanted, unwanted in zip(pages, shown, hidden, strict=True):
            assert str(escape(wanted)) in page
            assert str(escape(unwanted)) not in page


@pytest.mark.both_backends
def test_saving_a_broken_file_is_refused_with_a_code_worded_in_the_readers_language(
    app: Any, people: dict[str, Account]
) -> None:
    """The save (the preview's form, sent with a file the reader refuses) answers the reader's
    refusal as ``landscape_file_unreadable``: the page words it from its code and params in
    the reader's language, the API's problem+json has the code beside the English text."""
    import base64

    broken = b"<model>\n<oops"
    with pytest.raises(ameff.AmeffError) as caught:
        ameff.read(broken, reference_components=[], catalogue=[])
    refusal = caught.value
    assert refusal.line is not None and refusal.message != refusal.message_nl
    editor = _client(app, people["editor"])
    content = base64.b64encode(broken).decode("ascii")
    fields = {"content": content, "file_name": "x.xml", "lock_version": "0"}
    place = {
        "nl": f"regel {refusal.line}, kolom {refusal.column}",
        "en": f"line {refusal.line}, column {refusal.column}",
    }
    for lang, shown, hidden in (
        ("nl", f"Dit bestand kunnen we niet lezen: {refusal.message_nl}", refusal.message),
        ("en", f"We cannot read this file: {refusal.message}", refusal.message_nl),
    ):
        path = f"{BASE}/opslaan?lang={lang}"
        token = csrf_of(editor, f"{BASE}/importeren?lang={lang}")
        page = editor.post(path, data={"csrf_token": token, **fields})
        assert page.status_code == 422
        html = page.get_data(as_text=True)
        assert str(escape(f"{shown} ({place[lang]})")) in html
        assert str(escape(hidden)) not in html

    token = csrf_of(editor, f"{BASE}/importeren")
    answer = editor.post(
        f"{BASE}/opslaan",
        data={"csrf_token": token, **fields},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["errors"] == {"content": [f"this file cannot be read: {refusal}"]}
    assert body["codes"] == {
        "content": [
            {
                "code": "landscape_file_unreadable",
                "params": {
                    "reason": refusal.code,
                    "params": refusal.params,
                    "line": refusal.line,
                    "column": refusal.column,
                    "message": str(refusal),
                },
            }
        ]
    }
    assert _revisions(app) == []
