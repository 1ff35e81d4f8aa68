"""The ``contribute`` blueprint; each module of the package adds its views to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contribute", __name__)
