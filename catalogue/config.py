"""Every configuration key of the app, declared once: its default, how to read it, what it does.

``create_app`` (app.py) loads, later wins: :func:`defaults`, the instance ``config.py``, the
environment (``CATALOGUE_<KEY>``, read by each key's parser: :func:`from_environment`), then the
test config. ``tests/catalogue/test_config.py`` fails when the code reads a key not declared here, or when
docs/deployment.md's table lists other keys than these.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "CATALOGUE_"
ENVIRONMENTS = ("production", "development", "testing")


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration."""


# ---------------------------------------------------------------- parsers of environment values


def text(value: str) -> str:
    """A string as given (a secret of only digits stays a string)."""
    return value


def integer(value: str) -> int:
    """A whole number."""
    return int(value)


def number(value: str) -> float:
    """A number, possibly with a fraction."""
    return float(value)


TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


def boolean(value: str) -> bool:
    """``true``/``false`` (also 1/0, yes/no, on/off); anything else is refused, never guessed."""
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    msg = f"expected true or false, not {value!r}"
    raise ValueError(msg)


def words(value: str) -> list[str]:
    """A JSON list (``["nl", "en"]``) or a comma-separated one (``nl,en``)."""
    if value.lstrip().startswith("["):
        parsed = json.loads(value)
        if not isinstance(parsed, list):
            msg = f"expected a list, not {value!r}"
            raise ValueError(msg)
        return [str(item) for item in parsed]
    return [item.strip() for item in value.split(",") if item.strip()]


def seconds(value: str) -> dt.timedelta:
    """A duration given in seconds."""
    return dt.timedelta(seconds=int(value))


# ---------------------------------------------------------------- the declarations


@dataclass(frozen=True)
class InInstance:
    """A default path inside the app's instance folder (known only once the app exists)."""

    name: str
    template: str = "{}"

    def resolve(self, instance: Path) -> str:
        """The path inside ``instance``, put into ``template``."""
        return self.template.format(instance / self.name)


@dataclass(frozen=True)
class Setting:
    """One configuration key."""

    key: str
    default: Any
    parse: Callable[[str], Any]
    doc: str

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return PREFIX + self.key

    def default_for(self, instance: Path) -> Any:
        """The default, with instance paths resolved and lists copied (apps never share one)."""
        if isinstance(self.default, InInstance):
            return self.default.resolve(instance)
        if isinstance(self.default, list):
            return list(self.default)
        return self.default


S = Setting
# fmt: off
SETTINGS: tuple[Setting, ...] = (
    # ---- the app
    S("ENV", "production", text,
      "production refuses to start without a secret key; development and testing relax that"),
    S("SECRET_KEY", None, text,
      "signs sessions, CSRF tokens and reset links; required in production"),
    S("DATABASE_URL", InInstance("catalogue.db", "sqlite:///{}"), text,
      "SQLAlchemy URL; SQLite (in the instance folder) by default, PostgreSQL in production"),
    S("DATA_DIR", str(ROOT / "data"), text,
      "the folder with components.yaml, GEMMA and municipality data that `seed` loads"),
    S("AUTO_SEED", False, boolean,
      "create the schema and seed the catalogue on first start when the database is empty"),
    S("LANGUAGES", ["nl", "en"], words, "languages offered; the first is the default"),
    S("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "catalogue" / "translations"), text,
      "compiled gettext catalogues (scripts/translations.sh updates them)"),
    S("PER_PAGE", 20, integer, "items per page in lists"),
    S("PAGE_CACHE_SIZE", 512, integer,
      "rendered pages kept per worker for anonymous readers; 0 turns the cache off"),
    S("MAX_CONTENT_LENGTH", 2 * 1024 * 1024, integer,
      "largest request body accepted, in bytes (publiccode.yml uploads are capped lower)"),
    # ---- search
    S("SEARCH_BACKEND", "whoosh", text,
      "whoosh, or postgres (full-text in PostgreSQL, for several web nodes)"),
    S("SEARCH_INDEX_DIR", InInstance("search-index"), text,
      "the Whoosh index (a derived cache; the database is the truth) and the writer's lock file"),
    S("SEARCH_WRITE_AFTER_COMMIT", True, boolean,
      "apply the search outbox to the index right after each commit (the single writer)"),
    S("SEARCH_REBUILD_WHEN_MISSING", True, boolean,
      "rebuild the index in-process when it is missing or corrupt"),
    # ---- cookies, proxies, HTTPS
    S("SESSION_COOKIE_HTTPONLY", True, boolean, "the session cookie is invisible to scripts"),
    S("SESSION_COOKIE_SAMESITE", "Lax", text, "the session cookie's SameSite"),
    S("SESSION_COOKIE_SECURE", False, boolean,
      "the session cookie travels over https only; forced on in production"),
    S("HSTS", False, boolean, "send Strict-Transport-Security; forced on in production"),
    S("REMEMBER_COOKIE_DURATION", dt.timedelta(days=3), seconds,
      "how long \"stay logged in\" lasts (seconds in the environment)"),
    S("REMEMBER_COOKIE_HTTPONLY", True, boolean, "the remember cookie is invisible to scripts"),
    S("REMEMBER_COOKIE_SAMESITE", "Lax", text, "the remember cookie's SameSite"),
    S("REMEMBER_COOKIE_SECURE", False, boolean,
      "the remember cookie travels over https only; forced on with a Secure session cookie"),
    S("REMEMBER_COOKIE_REFRESH_EACH_REQUEST", False, boolean,
      "renew the remember cookie on every request"),
    S("TRUSTED_PROXIES", 0, integer,
      "how many reverse proxies in front set X-Forwarded-*; 0 trusts none (a client could forge them)"),
    S("BASE_URL", "", text,
      "the site's public address; the API's Link headers are built from it, never from the Host header"),
    # ---- accounts and rate limits (Flask-Limiter notation)
    S("RATELIMIT_STORAGE_URL", "memory://", text,
      "rate-limit counters: memory://, or redis://host:port/db shared by every node"),
    S("RATELIMIT_KEY_PREFIX", "componentenwijzer", text,
      "prefix of the counters' keys; distinct per site when several share one Redis"),
    S("RATELIMIT_LOGIN", "10 per minute; 50 per hour", text,
      "login, TOTP and password forms, per client address"),
    S("RATELIMIT_REGISTER", "5 per minute; 20 per hour", text, "registration, per client address"),
    S("RATELIMIT_VALIDATE", "60 per minute", text,
      "the publiccode.yml validation API, per client address"),
    S("RATELIMIT_TOKEN_API", "30 per minute", text, "the token API's writes, per client address"),
    S("RATELIMIT_PASSWORD_RESET", "5 per hour; 20 per day", text,
      "requests for a reset link, per client address"),
    S("PASSWORD_RESET_SECONDS", 3600, integer, "how long a password-reset link works"),
    S("ACCOUNT_LOCKOUT_ATTEMPTS", 10, integer,
      "failed logins of one account before it locks; 0 switches the lockout off"),
    S("ACCOUNT_LOCKOUT_MINUTES", 15, integer,
      "the window of those failures and the length of a lockout"),
    # ---- e-mail (catalogue/mail.py); no host: the site sends no e-mail and says so
    S("SMTP_HOST", None, text, "the SMTP server"),
    S("SMTP_PORT", None, integer,
      "25 by default, 465 with SMTP_SSL; 587 is the usual port for STARTTLS"),
    S("SMTP_USERNAME", None, text, "log in to the server when both this and SMTP_PASSWORD are set"),
    S("SMTP_PASSWORD", None, text, "the password for SMTP_USERNAME"),
    S("SMTP_STARTTLS", False, boolean, "STARTTLS on a plain connection"),
    S("SMTP_SSL", False, boolean, "TLS from the start"),
    S("SMTP_SENDER", "Componentenwijzer <componentenwijzer@localhost>", text,
      "the From address of every message"),
    S("SMTP_TIMEOUT", 10, number,
      "seconds to wait for the server before giving up (the page still answers)"),
    # ---- the harvester (`catalogue harvest`)
    S("HARVEST_CONTACT_URL", None, text,
      "the contact URL in the harvester's User-Agent; required to run it"),
    S("HARVEST_TIMEOUT", 20, number, "seconds per HTTP request"),
    S("HARVEST_BUDGET", 1800, number, "seconds for the whole run"),
    S("HARVEST_RETRIES", 3, integer, "retries on 429 and 5xx (Retry-After is honoured)"),
    S("HARVEST_BACKOFF", 1.0, number, "the first backoff in seconds, doubling"),
    S("GITHUB_API_URL", "https://api.github.com", text, "the API that expands github_org"),
    S("GITHUB_TOKEN", None, text, "optional token for that API"),
    S("GITLAB_API_URL", "https://gitlab.com/api/v4", text, "the API that expands gitlab_group"),
    S("GITLAB_TOKEN", None, text, "optional token for that API"),
)
# fmt: on
del S

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}


def defaults(instance: Path) -> dict[str, Any]:
    """Every key with its default, for an app whose instance folder is ``instance``."""
    return {setting.key: setting.default_for(instance) for setting in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The declared keys set in the environment, each read by its parser."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        try:
            found[setting.key] = setting.parse(raw)
        except ValueError as error:
            msg = f"{setting.env}: {error}"
            raise ConfigurationError(msg) from error
    return found


def settle(config: MutableMapping[str, Any]) -> None:
    """Refuse a configuration the app cannot start with; switch on what production implies."""
    env = config["ENV"]
    if env not in ENVIRONMENTS:
        msg = f"CATALOGUE_ENV must be production, development or testing, not {env!r}"
        raise ConfigurationError(msg)
    if env == "production":
        if not config.get("SECRET_KEY"):
            msg = (
                "CATALOGUE_SECRET_KEY is not set. The app refuses to start in production "
                "without it. Set it to a long random value, or set CATALOGUE_ENV=development."
            )
            raise ConfigurationError(msg)
        config["SESSION_COOKIE_SECURE"] = True
        config["HSTS"] = True
    elif not config.get("SECRET_KEY"):
        # Development and tests: a throwaway key, so nobody ships a guessable constant.
        config["SECRET_KEY"] = os.urandom(32).hex()
    # Behind https the remember cookie is as protected as the session cookie.
    if config["SESSION_COOKIE_SECURE"]:
        config["REMEMBER_COOKIE_SECURE"] = True


def undeclared(keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` that no :class:`Setting` declares."""
    return set(keys) - set(BY_KEY)
