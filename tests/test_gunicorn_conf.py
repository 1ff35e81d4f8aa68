"""gunicorn.conf.py: read by gunicorn started from the project root, and what its hook does.

The hook freezes the garbage collector's view of a worker's objects, which is process-wide, so
it runs in a child process, loaded the way gunicorn loads a configuration file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent

# In a child: gunicorn's own loading of the file (Application.load_config_from_file sets each
# name that is a setting), then the worker hook as gunicorn calls it, once the app is loaded.
_CHILD = """
import gc, json, sys
from gunicorn.app.wsgiapp import WSGIApplication
sys.argv = ["gunicorn", "app:create_app()"]
application = WSGIApplication()
application.load_config_from_file("gunicorn.conf.py")
from app import create_app
create_app()
before = gc.get_freeze_count()
application.cfg.post_worker_init(object())
print(json.dumps({"before": before, "after": gc.get_freeze_count()}))
"""


def test_gunicorn_reads_the_file_from_the_project_root() -> None:
    default = Config().settings["config"].default
    assert (ROOT / default).resolve() == (ROOT / "gunicorn.conf.py").resolve()
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_a_worker_that_loaded_the_app_freezes_what_it_made(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - this interpreter and a fixed script
        [sys.executable, "-c", _CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "CATALOGUE_ENV": "development",
            "CATALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.db'}",
            "CATALOGUE_SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    # The app's objects (modules, routes, templates' environment): tens of thousands.
    assert counts["after"] > 10_000, counts
