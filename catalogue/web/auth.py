"""Logging in and out, registering, two-factor login (TOTP), the account page and API tokens.

Also the permission decorators every mutating route wears: ``@requires(Permission.X)`` (log in
first, then hold X) and ``@public(reason)`` for the few that anyone may use on purpose. A test
walks the URL map and fails when a mutating route has neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import Unauthorized
from werkzeug.wrappers import Response

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, ValidationError
from catalogue.extensions import login_manager
from catalogue.models import User
from catalogue.services import accounts
from catalogue.services.permissions import Permission, has
from catalogue.web import notify
from catalogue.web.context import db_session
from catalogue.web.errors import wants_json
from catalogue.web.forms import (
    ActionForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
    TotpForm,
    copy_errors,
    options,
)

bp = Blueprint("auth", __name__)

PENDING = "pending_login"
SETUP_SECRET = "totp_setup_secret"  # noqa: S105 - a name or message, not a secret
PENDING_SECONDS = 300

View = TypeVar("View", bound=Callable[..., Any])


# ---------------------------------------------------------------- who is acting


def actor() -> User | None:
    """The logged-in account of this request, or None."""
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()  # noqa: SLF001 - Flask-Login's proxy
        return user
    return None


def signed_in() -> User:
    """The logged-in account of a view that ``@requires`` a permission (which let only
    logged-in accounts in); refused, not assumed, if there is none."""
    user = actor()
    if user is None:
        raise NotAuthorized(FieldError(ErrorCode.LOGIN_REQUIRED))
    return user


def remote_addr() -> str | None:
    """The client address, for the audit log."""
    return request.remote_addr


def requires(permission: Permission) -> Callable[[View], View]:
    """Decorate a view: anonymous users go to the login page (API: 401), others need ``permission``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = actor()
            if user is None:
                if wants_json():
                    raise Unauthorized()
                return login_manager.unauthorized()
            if not has(user, permission):
                raise NotAuthorized(
                    FieldError(ErrorCode.PERMISSION_NEEDED, permission=permission.value)
                )
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(reason: str) -> Callable[[View], View]:
    """Mark a mutating view as open to everyone on purpose, saying why."""

    def decorate(view: View) -> View:
        view.public_reason = reason  # type: ignore[attr-defined]
        return view

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site is a place to go back to (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
            # A line break or other control character would end up in the Location header.
            and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)
        ):
            return target
    return default


# ---------------------------------------------------------------- login and logout


@bp.route("/login", methods=["GET", "POST"])
@public("anyone may try to log in; rate-limited, and every failure is logged")
def login() -> Any:
    """E-mail address and password; then a TOTP code when the account needs one."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        database = db_session()
        user = accounts.authenticate(
            database,
            form.email.data or "",
            form.password.data or "",
            remote_addr=remote_addr(),
            lockout_attempts=int(current_app.config["ACCOUNT_LOCKOUT_ATTEMPTS"]),
            lockout_minutes=int(current_app.config["ACCOUNT_LOCKOUT_MINUTES"]),
        )
        if user is None:
            database.commit()  # the failed attempt stays in the audit log
            failed = True
        else:
            next_page = safe_next(request.args.get("next"), url_for("contribute.index"))
            session.clear()
            if user.needs_totp:
                session[PENDING] = {
                    "id": user.id,
                    "nonce": user.session_nonce,
                    "remember": bool(form.remember.data),
                    "until": time.time() + PENDING_SECONDS,
                    "next": next_page,
                }
                database.commit()
                if user.totp_secret is None:
                    return redirect(url_for("auth.totp_setup"))
                return redirect(url_for("auth.login_code"))
            return _finish_login(user, remember=bool(form.remember.data), next_page=next_page)
    elif form.is_submitted() and form.email.data and form.email.errors:
        # Refused before the password was checked (a control character, say): still an attempt.
        database = db_session()
        accounts.record_refused_login(database, form.email.data, remote_addr=remote_addr())
        database.commit()
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, failed=failed), status


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        session.pop(PENDING, None)
        return None
    user = accounts.user_for_session_id(db_session(), f"{pending.get('id')}:{pending.get('nonce')}")
    return user


def _finish_login(user: User, *, remember: bool, next_page: str) -> Response:
    database = db_session()
    accounts.complete_login(database, user, remote_addr=remote_addr())
    database.commit()
    session.pop(PENDING, None)
    session.pop(SETUP_SECRET, None)
    login_user(user, remember=remember)
    return redirect(next_page)


@bp.route("/login/code", methods=["GET", "POST"])
@public("second step of a login; needs a pending password login, rate-limited")
def login_code() -> Any:
    """The second step for reviewers and admins (and anyone who switched TOTP on)."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_secret is None:
        return redirect(url_for("auth.totp_setup"))
    form = TotpForm()
    if form.validate_on_submit():
        database = db_session()
        if accounts.verify_totp(database, user, form.code.data or "", remote_addr=remote_addr()):
            pending = session.get(PENDING) or {}
            return _finish_login(
                user,
                remember=bool(pending.get("remember")),
                next_page=str(pending.get("next") or url_for("contribute.index")),
            )
        database.commit()
        form.code.errors = [
            *form.code.errors,
            str(_("Deze code klopt niet, of is al gebruikt. Wacht op de volgende code.")),
        ]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/totp.html", form=form), status


@bp.route("/login/code-instellen", methods=["GET", "POST"])
@public("sets up TOTP during a pending login of a role that requires it, or for the logged-in user")
def totp_setup() -> Any:
    """Switch on two-factor login: show a secret for the app, then check one code from it."""
    logged_in = actor()
    user = (
        accounts.get_user(db_session(), logged_in.id) if logged_in is not None else _pending_user()
    )
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_secret is not None:
        return redirect(url_for("auth.account") if actor() else url_for("auth.login_code"))
    secret = session.get(SETUP_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = accounts.new_totp_secret()
        session[SETUP_SECRET] = secret
    form = TotpForm()
    if form.validate_on_submit():
        database = db_session()
        try:
            accounts.enable_totp(
                database, user, secret, form.code.data or "", remote_addr=remote_addr()
            )
        except ValidationError as error:
            database.commit()  # the failed code stays in the audit log
            copy_errors(form, error.errors)
        else:
            session.pop(SETUP_SECRET, None)
            if actor() is not None:
                database.commit()
                return redirect(url_for("auth.account"))
            pending = session.get(PENDING) or {}
            return _finish_login(
                user,
                remember=bool(pending.get("remember")),
                next_page=str(pending.get("next") or url_for("contribute.index")),
            )
    status = 422 if form.is_submitted() else 200
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=grouped,
        uri=accounts.totp_uri(user.email, secret),
        required=user.needs_totp,
    ), status


@bp.post("/uitloggen")
@requires(Permission.MANAGE_OWN_ACCOUNT)
def logout() -> Response:
    """End the session and the remember cookie, here and (by a new nonce) on the server."""
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("pages.home"))
    user = actor()
    if user is not None:
        database = db_session()
        accounts.record_logout(database, user, remote_addr=remote_addr())
        database.commit()
    # Clear first: logout_user() leaves the flag that makes Flask-Login delete the remember
    # cookie, and clearing after it would erase that flag (the cookie would log us in again).
    session.clear()
    logout_user()
    return redirect(url_for("pages.home"))


@bp.post("/account/overal-uitloggen")
@requires(Permission.MANAGE_OWN_ACCOUNT)
def logout_everywhere() -> Response:
    """End every other session and remember cookie of this account; this one stays."""
    user = signed_in()
    if ActionForm().validate_on_submit():
        database = db_session()
        accounts.end_other_sessions(database, user, remote_addr=remote_addr())
        database.commit()
        fresh = accounts.get_user(database, user.id)
        session.clear()
        login_user(fresh, remember=False)
        session["ended_elsewhere"] = True
    return redirect(url_for("auth.account"))


# ---------------------------------------------------------------- registration


@bp.route("/registreren", methods=["GET", "POST"])
@public("anyone may register as a maintainer; rate-limited, and an admin confirms the organisation")
def register() -> Any:
    """Create a maintainer account for an organisation."""
    form = RegisterForm()
    database = db_session()
    form.organisation.choices = options(
        [(0, _("— kies uw organisatie —"))]
        + [(o.id, o.name) for o in accounts.registrable_organisations(database)]
    )
    if form.validate_on_submit():
        try:
            accounts.register(
                database,
                email=form.email.data or "",
                password=form.password.data or "",
                organisation_id=form.organisation.data or None,
                display_name=form.display_name.data or None,
                remote_addr=remote_addr(),
            )
        except ValidationError as error:
            database.rollback()
            # "This address has an account" would tell anyone who has one: that news goes to
            # the address itself (accounts.note_existing_registration), the page stays the same.
            others = {k: v for k, v in error.errors.items() if v != [accounts.EMAIL_TAKEN]}
            if others:
                copy_errors(form, others)
            else:
                known = accounts.note_existing_registration(
                    database, form.email.data or "", remote_addr=remote_addr()
                )
                database.commit()
                if known is not None:
                    notify.already_registered(known.email)
                return _registered()
        else:
            database.commit()
            return _registered()
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


# ---------------------------------------------------------------- password reset and change


def _reset_max_age() -> int:
    return int(current_app.config["PASSWORD_RESET_SECONDS"])


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public("anyone may ask for a reset link; rate-limited, logged, same answer for every address")
def forgot_password() -> Any:
    """Ask for a password-reset link by e-mail (only when this site sends e-mail)."""
    form = ForgotPasswordForm()
    sends_mail = notify.sends_mail()
    sent = False
    if sends_mail and form.validate_on_submit():
        database = db_session()
        user = accounts.request_password_reset(
            database, form.email.data or "", remote_addr=remote_addr()
        )
        database.commit()
        if user is not None:
            token = accounts.password_reset_token(
                user, secret=str(current_app.config["SECRET_KEY"])
            )
            notify.password_reset_link(
                user.email,
                url_for("auth.reset_password", token=token, _external=True),
                minutes=_reset_max_age() // 60,
            )
        # The same answer whether or not the address has an account: no guessing who has one.
        sent = True
    status = 422 if form.is_submitted() and not sent else 200
    return render_template(
        "auth/forgot_password.html", form=form, sends_mail=sends_mail, sent=sent
    ), status


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@public("the signed, single-use, expiring token in the link is the proof; rate-limited")
def reset_password(token: str) -> Any:
    """Set a new password with the link from the e-mail; every session ends, then log in."""
    database = db_session()
    secret = str(current_app.config["SECRET_KEY"])
    form = ResetPasswordForm()
    try:
        accounts.user_for_reset_token(database, token, secret=secret, max_age=_reset_max_age())
    except ValidationError:
        database.rollback()
        response = current_app.make_response(
            (render_template("auth/reset_password.html", form=None), 410)
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(
                database,
                token,
                form.password.data or "",
                secret=secret,
                max_age=_reset_max_age(),
                remote_addr=remote_addr(),
            )
        except ValidationError as error:
            database.rollback()
            copy_errors(form, error.errors)
            status = 422
        else:
            database.commit()
            notify.password_changed(user.email)
            logout_user()
            session.clear()
            return redirect(url_for("auth.login", wachtwoord="nieuw"))
    elif form.is_submitted():
        status = 422
    response = current_app.make_response(
        (render_template("auth/reset_password.html", form=form), status)
    )
    # The token is in the address: never send it on to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@requires(Permission.MANAGE_OWN_ACCOUNT)
def change_password() -> Any:
    """Change one's password: the current one first; other sessions end, this one goes on."""
    user = signed_in()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        database = db_session()
        try:
            changed = accounts.change_password(
                database,
                actor=user,
                current=form.current_password.data or "",
                new=form.password.data or "",
                remote_addr=remote_addr(),
            )
        except ValidationError as error:
            database.rollback()
            copy_errors(form, error.errors)
            status = 422
        else:
            database.commit()
            # The nonce changed, so this session too would end: log it in again under the new one.
            database.expunge(changed)
            login_user(changed, remember=False)
            notify.password_changed(changed.email)
            return redirect(url_for("auth.account", wachtwoord="gewijzigd"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "auth/change_password.html", form=form, sends_mail=notify.sends_mail()
    ), status


def _registered() -> Response:
    """The one answer to a registration that passed the form, new address or not."""
    session.clear()
    return redirect(url_for("auth.registered"))


@bp.get("/registreren/ontvangen")
def registered() -> str:
    """What happens next: log in; a beheerder confirms the membership."""
    return render_template("auth/registered.html")


# ---------------------------------------------------------------- the account page and tokens


@bp.get("/account")
@requires(Permission.MANAGE_OWN_ACCOUNT)
def account() -> str:
    """Two-factor login and personal API tokens."""
    user = signed_in()
    return render_template(
        "auth/account.html",
        user=user,
        tokens=accounts.tokens_of(db_session(), actor=user),
        form=TokenForm(),
        action=ActionForm(),
        new_token=None,
        ended_elsewhere=bool(session.pop("ended_elsewhere", False)),
    )


@bp.post("/account/sleutels")
@requires(Permission.MANAGE_OWN_ACCOUNT)
def create_token() -> Any:
    """Make a personal API token and show it once (never stored, never put in the session)."""
    user = signed_in()
    form = TokenForm()
    database = db_session()
    new_token = None
    status = 200
    if form.validate_on_submit():
        try:
            _token, new_token = accounts.create_token(
                database,
                actor=user,
                name=form.name.data or "",
                scopes=[accounts.TokenScope.SUBMIT],
                remote_addr=remote_addr(),
            )
            database.commit()
        except ValidationError as error:
            database.rollback()
            copy_errors(form, error.errors)
            status = 422
    else:
        status = 422
    response = current_app.make_response(
        (
            render_template(
                "auth/account.html",
                user=user,
                tokens=accounts.tokens_of(database, actor=user),
                form=TokenForm(formdata=None),
                action=ActionForm(),
                new_token=new_token,
                token_form=form,
            ),
            status,
        )
    )
    # The page shows a secret: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/sleutels/<int:token_id>/intrekken")
@requires(Permission.MANAGE_OWN_ACCOUNT)
def revoke_token(token_id: int) -> Response:
    """Revoke one of your tokens."""
    user = signed_in()
    if ActionForm().validate_on_submit():
        database = db_session()
        accounts.revoke_token(database, token_id, actor=user, remote_addr=remote_addr())
        database.commit()
    return redirect(url_for("auth.account"))


# ---------------------------------------------------------------- wiring


def init_app(app: Flask) -> None:
    """Register the blueprint (Flask-Login is bound in catalogue/extensions.py)."""
    app.register_blueprint(bp)
    # A template global rather than a context processor: nothing to make per page.
    app.jinja_env.globals["can"] = _can


def _can(permission: str) -> bool:
    """Whether the signed-in user holds ``permission`` (the template function ``can``)."""
    return has(actor(), Permission(permission))


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    database = db_session()
    user = accounts.user_for_session_id(database, session_id)
    if user is not None:
        # Loaded and detached: still readable after a rollback closes the request's session
        # (error pages render the menu). Services that change the account load it again.
        database.expunge(user)
    return user
