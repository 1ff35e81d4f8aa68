"""Every configuration key is declared once, in catalogue/config.py, and the docs list the same keys."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from catalogue import config
from catalogue.config import SETTINGS, ConfigurationError, from_environment
from tests.conftest import ROOT

KEY = re.compile(r"^[A-Z][A-Z0-9_]+$")
# Variables that configure the test run, not the app.
TEST_ONLY = {
    "CATALOGUE_REQUIRE_POSTGRES",
    "CATALOGUE_TEST_POSTGRES_URL",
    "CATALOGUE_TEST_REDIS_URL",
}


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "catalogue").rglob("*.py"))]


def _is_config(node: ast.expr) -> bool:
    """``config``, ``app.config``, ``current_app.config``, ``self.app.config``, ..."""
    if isinstance(node, ast.Name):
        return node.id in {"config", "cfg"}
    return isinstance(node, ast.Attribute) and node.attr == "config"


def _literal_key(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
        return node.value
    return None


def _config_reads(path: Path) -> set[str]:
    """The keys ``path`` reads or writes: ``config["X"]``, ``config.get("X")``, ``"X" in config``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        key = None
        if isinstance(node, ast.Subscript) and _is_config(node.value):
            key = _literal_key(node.slice)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "setdefault", "pop"}
            and _is_config(node.func.value)
            and node.args
        ):
            key = _literal_key(node.args[0])
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and _is_config(node.comparators[0])
        ):
            key = _literal_key(node.left)
        if key is not None:
            found.add(key)
    return found


def _used_keys() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in _sources():
        for key in _config_reads(path):
            used.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return used


def test_the_scan_sees_reads_in_every_style() -> None:
    # app.config["X"], current_app.config["X"], config.get("X") on a plain mapping (mail.py),
    # config["X"] on a local name (cli.py): if the scan stopped seeing one, the next test
    # would pass without looking.
    used = _used_keys()
    assert "catalogue/mail.py" in used["SMTP_HOST"]
    assert "catalogue/search/__init__.py" in used["SEARCH_BACKEND"]
    assert "catalogue/web/search.py" in used["PER_PAGE"]
    assert any(path.startswith("catalogue/cli") for path in used["HARVEST_TIMEOUT"])
    assert len(used) >= 30


def test_every_key_the_code_uses_is_declared() -> None:
    undeclared = {key: paths for key, paths in _used_keys().items() if key not in config.BY_KEY}
    assert undeclared == {}


def test_every_rate_limit_names_a_declared_key() -> None:
    from catalogue.extensions import RATE_LIMITS

    assert {key for key, _methods in RATE_LIMITS.values()} <= set(config.BY_KEY)


def test_each_key_is_declared_once_and_nowhere_else() -> None:
    keys = [setting.key for setting in SETTINGS]
    assert len(keys) == len(set(keys))
    assert all(setting.doc and setting.env == f"CATALOGUE_{setting.key}" for setting in SETTINGS)
    # No module gives a key a default of its own (as contribute.py and search did).
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert not (node.func.attr == "setdefault" and _is_config(node.func.value)), path
                if node.func.attr == "from_mapping" and path.name == "app.py":
                    # Only the declarations and the test config are mapped in.
                    assert not node.keywords, "declare the key in catalogue/config.py"


def _documented_keys() -> set[str]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `CATALOGUE_([A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_the_deployment_docs_list_exactly_the_declared_keys() -> None:
    assert _documented_keys() == set(config.BY_KEY)


def test_every_variable_the_docs_mention_exists() -> None:
    mentioned: set[str] = set()
    for path in [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        *sorted((ROOT / "docs").glob("*.md")),
    ]:
        mentioned |= set(re.findall(r"\bCATALOGUE_[A-Z0-9_]*[A-Z0-9]", path.read_text("utf-8")))
    declared = {setting.env for setting in SETTINGS}
    assert mentioned - TEST_ONLY - declared == set()


def test_environment_values_are_read_by_each_keys_parser() -> None:
    read = from_environment(
        {
            "CATALOGUE_SECRET_KEY": "1234567890",
            "CATALOGUE_AUTO_SEED": "true",
            "CATALOGUE_SEARCH_WRITE_AFTER_COMMIT": "0",
            "CATALOGUE_LANGUAGES": "en, nl",
            "CATALOGUE_PER_PAGE": "7",
            "CATALOGUE_HARVEST_BACKOFF": "0.5",
            "CATALOGUE_REMEMBER_COOKIE_DURATION": "60",
            "CATALOGUE_UNDECLARED": "left to Flask",
            "OTHER_PER_PAGE": "9",
        }
    )
    assert read == {
        "SECRET_KEY": "1234567890",  # a secret of digits stays text
        "AUTO_SEED": True,
        "SEARCH_WRITE_AFTER_COMMIT": False,
        "LANGUAGES": ["en", "nl"],
        "PER_PAGE": 7,
        "HARVEST_BACKOFF": 0.5,
        "REMEMBER_COOKIE_DURATION": dt.timedelta(seconds=60),
    }
    assert from_environment({"CATALOGUE_LANGUAGES": '["nl", "en"]'}) == {"LANGUAGES": ["nl", "en"]}


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CATALOGUE_AUTO_SEED", "maybe"), ("CATALOGUE_PER_PAGE", "twenty")],
)
def test_a_value_its_parser_cannot_read_stops_the_app(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        from_environment({variable: value})


def test_create_app_reads_declarations_environment_and_test_config_in_that_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import create_app

    monkeypatch.setenv("CATALOGUE_PER_PAGE", "7")
    monkeypatch.setenv("CATALOGUE_PAGE_CACHE_SIZE", "3")
    monkeypatch.setenv("CATALOGUE_SESSION_COOKIE_NAME", "cw_session")  # Flask's own, undeclared
    overrides: dict[str, Any] = {
        "ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "PAGE_CACHE_SIZE": 0,
    }
    app = create_app(overrides)
    try:
        assert app.config["PER_PAGE"] == 7
        assert app.config["PAGE_CACHE_SIZE"] == 0
        assert app.config["SESSION_COOKIE_NAME"] == "cw_session"
        assert app.config["RATELIMIT_KEY_PREFIX"] == config.BY_KEY["RATELIMIT_KEY_PREFIX"].default
        assert app.config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(days=3)
        assert app.config["DATA_DIR"] == str(ROOT / "data")
    finally:
        app.extensions["catalogue_db"].dispose()


def test_production_secures_both_cookies() -> None:
    settings: dict[str, Any] = {
        "ENV": "production",
        "SECRET_KEY": "k",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "HSTS": False,
    }
    config.settle(settings)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["HSTS"] is True
    with pytest.raises(ConfigurationError, match="CATALOGUE_SECRET_KEY"):
        config.settle({"ENV": "production", "SECRET_KEY": None})
