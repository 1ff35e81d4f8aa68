"""What every part of the accounts package shares: the clock, e-mail addresses, one account.

The underscore names are the package's own (tests/test_architecture.py keeps them inside it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, NotFound
from catalogue.models import User


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case and surrounding space."""
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    """One account by id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(FieldError(ErrorCode.ACCOUNT_UNKNOWN, user=user_id))
    return user
