"""Instructions per request, counted by valgrind's callgrind: a measure of the code, not the machine.

    python bench/instructions.py DIR [--tree PATH ...] [--warm 300] [--count 200]

``DIR`` is an instance as ``bench/http.sh`` builds it (``BENCH_INSTANCES=...`` keeps them):
``catalogue.db``, ``search-index/`` and ``urls/{components,search}.txt``. Each ``--tree`` is a
checkout of the code (default: this one; give two, say a ``git worktree`` of an older commit and
this one, to compare them). For each tree and each kind of request (``/health``, component
pages, search pages) a process runs the app in-process (Flask's test client, page cache off, as
``bench/page_phases.py`` does) under ``valgrind --tool=callgrind`` with instrumentation off;
after ``--warm`` untimed URLs of the kind it turns instrumentation on (``callgrind_control``),
asks for ``--count`` distinct URLs, and turns it off. Callgrind's count of executed instructions,
divided by ``--count``, is the cost of one request.

Why: on these shared machines the same code gives CPU times 20 to 40% apart from one run to the
next (docs/performance.md), more than most changes save. The number of instructions is the same
to within about 0.5% from run to run (the same code, inputs and ``PYTHONHASHSEED``), whatever
else the machine does. It is not time: a page that misses the CPU's caches more costs more per
instruction than ``/health``. So it compares versions of the code and sizes of work; requests per
second (``bench/http.sh``, ``bench/ab_http.sh``) still judge the targets.

Prints a Markdown table: millions of instructions per request, each page over ``/health`` of the
same tree, and (with two trees) the second over the first. A run takes about a minute per tree
and kind (valgrind runs the app some 50 times slower; startup runs uninstrumented).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("health", "component", "search")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def urls_of(instance: Path, kind: str, needed: int) -> list[str]:
    """``needed`` URLs of a kind, in a fixed shuffled order (a small catalogue's again, in turn)."""
    if kind == "health":
        return ["/health"] * needed
    name = {"component": "components.txt", "search": "search.txt"}[kind]
    urls = (instance / "urls" / name).read_text(encoding="utf-8").split()
    random.Random(1).shuffle(urls)
    return [urls[i % len(urls)] for i in range(needed)]


def executed(stderr: str) -> int | None:
    """The instructions callgrind counted ("I refs" in its summary), None when it printed none."""
    found = _REFS.search(stderr)
    return None if found is None else int(found.group(1).replace(",", ""))


def callgrind(command: str, pid: int) -> None:
    """Tell the callgrind that runs process ``pid`` to ``command`` ("-i on", "-i off")."""
    subprocess.run(  # noqa: S603 - valgrind's own tool, fixed arguments
        ["callgrind_control", *command.split(), str(pid)],  # noqa: S607
        check=True,
        capture_output=True,
        timeout=60,
    )


def child(tree: Path, instance: Path, kind: str, warm: int, count: int) -> None:
    """Runs under callgrind: the app of ``tree``, warm-up uninstrumented, then ``count`` URLs."""
    # From this script's directory (bench/), first on the path until the tree goes before it.
    from page_phases import in_process_settings

    sys.path.insert(0, str(tree))
    os.environ.update(in_process_settings(instance))
    from app import create_app

    app = create_app()
    client = app.test_client()
    urls = urls_of(instance, kind, warm + count)
    for url in urls[:warm]:
        client.get(url)
    callgrind("-i on", os.getpid())
    for url in urls[warm:]:
        response = client.get(url)
        if response.status_code != 200:
            callgrind("-i off", os.getpid())
            msg = f"{url}: {response.status_code}"
            raise SystemExit(msg)
    callgrind("-i off", os.getpid())


def count_instructions(tree: Path, instance: Path, kind: str, warm: int, count: int) -> float:
    """Instructions per request of ``kind`` in ``tree``'s app."""
    result = subprocess.run(  # noqa: S603 - valgrind and this script, fixed arguments
        [  # noqa: S607
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(tree),
            str(instance),
            kind,
            str(warm),
            str(count),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        cwd=tree,
        timeout=3600,
        check=False,
    )
    found = executed(result.stderr)
    if result.returncode != 0 or found is None:
        msg = f"callgrind failed for {tree} {kind}:\n{result.stderr[-2000:]}"
        raise SystemExit(msg)
    return found / count


def report(trees: list[Path], kinds: list[str], counts: dict[tuple[Path, str], float]) -> str:
    """The Markdown table of :func:`main`."""
    head = "| tree | request | million instructions a request | over `/health` |"
    rule = "|---|---|---:|---:|"
    if len(trees) == 2:
        head += f" over {trees[0].name or trees[0]} |"
        rule += "---:|"
    lines = [head, rule]
    for tree in trees:
        health = counts[(tree, "health")]
        for kind in kinds:
            value = counts[(tree, kind)]
            row = f"| {tree} | {kind} | {value / 1e6:.3f} | {value / health:.2f} |"
            if len(trees) == 2:
                row += f" {value / counts[(trees[0], kind)]:.3f} |"
            lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--tree", type=Path, action="append")
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--kind", choices=KINDS, action="append")
    arguments = parser.parse_args(argv)
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        msg = "bench/instructions.py needs valgrind (Debian: apt-get install valgrind)"
        raise SystemExit(msg)
    trees = [tree.resolve() for tree in (arguments.tree or [ROOT])]
    kinds = arguments.kind or list(KINDS)
    if "health" not in kinds:
        kinds.insert(0, "health")
    instance = arguments.instance.resolve()
    counts = {}
    for kind in kinds:
        for tree in trees:
            counts[(tree, kind)] = count_instructions(
                tree, instance, kind, arguments.warm, arguments.count
            )
            print(f"{tree} {kind}: {counts[(tree, kind)] / 1e6:.3f} M", file=sys.stderr)
    print(report(trees, kinds, counts))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        tree, instance, kind, warm, count = sys.argv[2:7]
        child(Path(tree), Path(instance), kind, int(warm), int(count))
        raise SystemExit(0)
    raise SystemExit(main())
