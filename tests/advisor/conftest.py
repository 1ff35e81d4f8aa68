"""Make ``advisor_reference`` (independent checks and generators) importable by the tests here.

The suite runs with ``--import-mode=importlib`` and without ``__init__.py`` files, so a test
module cannot import a sibling helper by name unless its folder is on ``sys.path``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
