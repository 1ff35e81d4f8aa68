"""Write one generated Markdown block into docs/performance.md, leaving every other block alone.

A block is the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (markers
included). A missing block is appended at the end of the file.

As commands:

* ``python bench/_report.py block NAME FILE``: FILE's Markdown becomes block NAME.
* ``python bench/_report.py http DIR``: bench/http.sh's results in DIR (``meta.json`` and one
  wrk print-out per run) become the ``http`` block; ``--no-write`` only prints.

``--output`` writes into another file than docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE = ROOT / "docs" / "performance.md"


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with block ``name`` set to ``body`` (appended when the block is missing)."""
    start_marker, end_marker = markers(name)
    block = f"{start_marker}\n{body.strip()}\n{end_marker}"
    start = text.find(start_marker)
    end = text.find(end_marker, start + len(start_marker)) if start >= 0 else -1
    if start >= 0 and end >= 0:
        return text[:start] + block + text[end + len(end_marker) :]
    if start >= 0 or text.find(end_marker) >= 0:
        msg = f"{name}: found only one of {start_marker} and {end_marker}; fix the file by hand"
        raise ValueError(msg)
    if not text or text.endswith("\n\n"):
        separator = ""
    else:
        separator = "\n" if text.endswith("\n") else "\n\n"
    return f"{text}{separator}{block}\n"


def write_block(name: str, body: str, path: Path = PERFORMANCE) -> None:
    """Set block ``name`` of ``path`` to ``body``; the file is replaced atomically."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    updated = replace_block(text, name, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, staged = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(updated)
        os.chmod(staged, mode)
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- bench/http.sh

HTTP_BLOCK = "http"
# Share of the trivial page's throughput each page should reach.
HTTP_TARGETS = {"search": 0.30, "component": 0.50}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        msg = f"not a wrk duration: {value!r}"
        raise ValueError(msg)
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, request count, errors and latency percentiles of a ``wrk --latency`` run."""
    found: dict[str, Any] = {"non_2xx": 0, "socket_errors": 0, "latency_ms": {}}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            found["rps"] = float(line.split()[1])
        elif match := re.match(r"(\d+) requests in ([\d.]+\w+)", line):
            found["requests"] = int(match.group(1))
        elif line.startswith("Non-2xx or 3xx responses:"):
            found["non_2xx"] = int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            found["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", line))
        elif match := re.fullmatch(r"(50|75|90|99)%\s+([\d.]+\w+)", line):
            found["latency_ms"][match.group(1)] = _ms(match.group(2))
    if "rps" not in found:
        msg = "wrk printed no Requests/sec line"
        raise ValueError(msg)
    return found


def http_markdown(directory: Path) -> str:
    """The http block's body from bench/http.sh's results directory."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    runs = {
        name: parse_wrk((directory / f"{name}.wrk").read_text(encoding="utf-8"))
        for name in meta["runs"]
    }
    ceilings = [runs[name]["rps"] for name in meta["runs"] if name.startswith("health")]
    ceiling = sum(ceilings) / len(ceilings)
    lines = [
        "## HTTP: pages per second through gunicorn",
        "",
        f"Measured by `bash bench/http.sh` (DURATION={meta['duration']}, "
        f"CONNECTIONS={meta['connections']}, wrk {meta['threads']} threads, after a "
        f"{meta['warmup']} warm-up per URL): gunicorn {meta['gunicorn']} with {meta['workers']} "
        f"sync workers on 127.0.0.1 serving `bench/wsgi_bench.py` (create_app() plus `/health`), "
        f"CATALOGUE_ENV={meta['env']}, the seeded catalogue ({meta['components']} components) in "
        f"SQLite, the Whoosh index built by `catalogue reindex`. wrk and gunicorn share the "
        f"machine: {meta['cpus']} CPUs, load average {meta['load_start']} before and "
        f"{meta['load_end']} after; Python {meta['python']}; {meta['date']}. The ceiling is "
        "`/health` (plain `ok`, no database), measured before and after the pages; a page's "
        "share is its requests/s over the mean of the two.",
        "",
    ]
    verdicts = []
    for name, target in HTTP_TARGETS.items():
        share = runs[name]["rps"] / ceiling
        verdicts.append(
            f"{meta['labels'][name]} {share:.0%} of the ceiling "
            f"({'meets' if share >= target else '**misses**'} the "
            f"{target:.0%} target)"
        )
    lines += [
        "Targets (search page at least 30% of the trivial page's throughput, component page "
        "at least 50%): " + "; ".join(verdicts) + ".",
        "",
    ]
    if meta.get("note"):
        lines += [f"Cause: {meta['note']}", ""]
    lines += [
        "| page | URL | requests/s | share of ceiling | p50 ms | p99 ms | requests | "
        "non-2xx/3xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in meta["runs"]:
        run = runs[name]
        share = "100% (ceiling)" if name.startswith("health") else f"{run['rps'] / ceiling:.0%}"
        latency = run["latency_ms"]
        lines.append(
            f"| {meta['labels'][name]} | `{meta['paths'][name]}` | {run['rps']:,.0f} | {share} | "
            f"{latency.get('50', float('nan')):.1f} | {latency.get('99', float('nan')):.1f} | "
            f"{run.get('requests', 0):,} | {run['non_2xx']} | {run['socket_errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PERFORMANCE)
    commands = parser.add_subparsers(dest="command", required=True)
    block = commands.add_parser("block", help="write FILE's Markdown as block NAME")
    block.add_argument("name", help="block name, e.g. http")
    block.add_argument("body", type=Path, help="file with the block's Markdown")
    http = commands.add_parser("http", help="write bench/http.sh's results as the http block")
    http.add_argument("directory", type=Path)
    http.add_argument("--no-write", action="store_true", help="only print")
    args = parser.parse_args()
    if args.command == "block":
        write_block(args.name, args.body.read_text(encoding="utf-8"), args.output)
        print(f"wrote the {args.name} block of {args.output}")
        return
    body = http_markdown(args.directory)
    print(body)
    if not args.no_write:
        write_block(HTTP_BLOCK, body, args.output)
        print(f"wrote the {HTTP_BLOCK} block of {args.output}")


if __name__ == "__main__":
    main()
