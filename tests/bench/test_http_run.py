"""bench/_http_run.py's instruments that the benchmark's figures rest on."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A "master" that forks one "worker"; the worker spends 0.4 s of CPU, the master 1.2 s.
_MASTER = """
import os, time
def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
if os.fork() == 0:
    burn(0.4)
    print("worker done", flush=True)
    time.sleep(60)
else:
    burn(1.2)
    print("master done", flush=True)
    time.sleep(60)
"""


def test_the_workers_cpu_is_what_the_masters_children_spent() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from _http_run import Server

    master = subprocess.Popen(  # noqa: S603 - our own interpreter on a fixed script
        [sys.executable, "-c", _MASTER], stdout=subprocess.PIPE, text=True
    )
    server = object.__new__(Server)  # the instrument only, without starting gunicorn
    server.process = master
    try:
        assert master.stdout is not None
        said = {master.stdout.readline().strip(), master.stdout.readline().strip()}
        assert said == {"worker done", "master done"}
        time.sleep(0.1)
        [worker] = server.workers()
        assert worker != master.pid
        spent = server.cpu_seconds()
        # The worker's 0.4 s (clock ticks of 10 ms), not the master's 1.2 s.
        assert 0.35 <= spent < 0.8, spent
    finally:
        for pid in server.workers():
            subprocess.run(["kill", str(pid)], check=False)  # noqa: S603, S607
        master.kill()
        master.wait(10)
        if master.stdout is not None:
            master.stdout.close()
