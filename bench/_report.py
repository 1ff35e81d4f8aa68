"""Write one generated Markdown block into docs/performance.md, leaving every other block alone.

A block is the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (markers
included). A missing block goes right after the block it follows (``FOLLOWS``: the growth
block after the http block), or at the end of the file.

As commands:

* ``python bench/_report.py block NAME FILE``: FILE's Markdown becomes block NAME.
* ``python bench/_report.py rotate RESULTS`` / ``growth RESULTS``: bench/http.sh's
  ``rotate.json`` or ``growth.json`` (kept with ``KEEP_WORK=1``) become the ``http`` or the
  ``growth`` block; ``--no-write`` only prints.

``--output`` writes into another file than docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
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


# A new block goes right after this one when the file has it.
FOLLOWS = {"growth": "http", "reindex": "growth"}


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with block ``name`` set to ``body`` (a missing block goes after the block it
    follows, else at the end)."""
    start_marker, end_marker = markers(name)
    block = f"{start_marker}\n{body.strip()}\n{end_marker}"
    start = text.find(start_marker)
    end = text.find(end_marker, start + len(start_marker)) if start >= 0 else -1
    if start >= 0 and end >= 0:
        return text[:start] + block + text[end + len(end_marker) :]
    if start >= 0 or text.find(end_marker) >= 0:
        msg = f"{name}: found only one of {start_marker} and {end_marker}; fix the file by hand"
        raise ValueError(msg)
    before = FOLLOWS.get(name)
    if before:
        after_end = text.find(markers(before)[1])
        if after_end >= 0:
            cut = after_end + len(markers(before)[1])
            return f"{text[:cut]}\n\n{block}{text[cut:]}"
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
GROWTH_BLOCK = "growth"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
# The targets: each page's requests/s as a share of /health's in the same run.
SHARE_TARGETS = (
    ("big", "search", "Search page", 0.15),
    ("big", "component", "Component page", 0.35),
    ("seed", "search", "Search page", 0.40),
)
# Single client, page cache off: search page p95 over the backend's in-process p95, and
# component page p95 over /health's.
SEARCH_P95_RATIO = 1.5
COMPONENT_P95_RATIO = 3.0
# Below this share of the trivial Flask page, the report says why /health is slower.
HEALTH_CEILING_SHARE = 0.60


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        msg = f"not a wrk duration: {value!r}"
        raise ValueError(msg)
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, request count, errors and latency percentiles of a ``wrk --latency`` run;
    with bench/rotate.lua also its ``rotate:`` lines (p50/p90/p95/p99/mean/max in ms, the
    request count) under ``rotate``."""
    found: dict[str, Any] = {"non_2xx": 0, "socket_errors": 0, "latency_ms": {}, "rotate": {}}
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
        elif match := re.fullmatch(r"rotate: (\w+) ([\d.]+)(?: ms)?", line):
            found["rotate"][match.group(1)] = float(match.group(2))
    if "rps" not in found:
        msg = "wrk printed no Requests/sec line"
        raise ValueError(msg)
    return found


def _ceiling(runs: dict[str, Any]) -> float:
    return (runs["health-before"]["rps"] + runs["health-after"]["rps"]) / 2


def _health_cpu(runs: dict[str, Any]) -> float | None:
    """The workers' CPU ms of one ``/health`` answer, the mean of the runs before and after
    (None for results from before the CPU was counted)."""
    spent = [run.get("cpu_ms") for name, run in runs.items() if name.startswith("health")]
    return sum(spent) / len(spent) if spent and None not in spent else None


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def _p(run: dict[str, Any], percentile: str) -> float:
    return float(run["rotate"].get(percentile, float("nan")))


def _ratio(part: float, whole: float) -> float:
    """part / whole; NaN (never "met") when either is missing."""
    if not part or not whole or math.isnan(part) or math.isnan(whole):
        return float("nan")
    return part / whole


def _machine(results: dict[str, Any]) -> str:
    machine = results["machine"]
    return (
        f"{machine['cpus']} CPUs shared by wrk, gunicorn and (while this ran) other work: load "
        f"average {machine['load']:.2f} at the start, {machine.get('load_end', float('nan')):.2f}"
        f" at the end; Python {machine['python']}, gunicorn {machine['gunicorn']}, "
        f"{machine['wrk'] or 'wrk'}; {machine['date']}"
    ) + (
        ". The load average was above the number of CPUs: other processes competed for them, "
        "so the absolute figures are low and noisy, and only a run on a quiet machine can "
        "judge the targets"
        if max(machine["load"], machine.get("load_end", 0.0)) > machine["cpus"]
        else ""
    )


def rotate_markdown(results: dict[str, Any]) -> str:
    """The http block: rotating URLs against the targets, one client's latency, the ceiling."""
    settings = results["settings"]
    catalogues = results["catalogues"]
    seed_key = "seed"
    big_key = next(key for key in catalogues if key != seed_key)
    big, seed = catalogues[big_key], catalogues[seed_key]
    keys = {"big": big, "seed": seed}
    latency = results["latency"]
    trivial = results["trivial"]
    wall = results["wall"]
    lines = [
        "## HTTP: pages per second through gunicorn, over many distinct URLs",
        "",
        f"Measured by `bash bench/http.sh` (DURATION={settings['duration']}s, "
        f"CONNECTIONS={settings['connections']}, wrk {settings['threads']} threads, "
        f"{settings['warmup']}s warm-up before each run): gunicorn with {settings['workers']} "
        "sync workers on 127.0.0.1 serving `bench/wsgi_bench.py` (create_app() plus `/health`), "
        "CATALOGUE_ENV=production, SQLite and the Whoosh index, in the default configuration "
        "(page cache on). Two catalogues: the seed catalogue (`catalogue seed` only, "
        f"{seed['components']} components) and {big['components']:,} components (the seed "
        f"catalogue and {big['components'] - big['seeded']:,} synthetic ones added by "
        "`bench/_http_catalogue.py`). wrk runs `bench/rotate.lua`, whose `request` hook rotates "
        "over a URL file, each thread from its own share of it: "
        f"{settings['search_urls']:,} distinct search URLs that `bench/_urls.py` builds from "
        "the catalogue's own vocabulary (words of the names and short descriptions, GEMMA "
        "reference-component names, two words together, a word with one facet filter, page 2 "
        "of a word), or every component page. The warm-up asks for other search URLs and the "
        "component pages the rotation reaches last. A URL comes back only after the whole list, "
        "so the page cache (512 pages per worker) cannot serve it, except on the seed "
        f"catalogue's {seed['components']} component pages, which fit in it (no target is set "
        "for them). The ceiling is the app's own `/health`, measured before and after the pages "
        "in the same gunicorn; a page's share is its requests/s over the mean of the two. "
        "Beside it, the workers' CPU time (user and system, from /proc) over a run divided by "
        "its answers: what one answer costs the app, which wrk's own share of the CPUs and "
        "other work on the machine move far less than requests/s; `/health`'s CPU over the "
        "page's is the share the page would have if the app had the CPUs to itself. "
        f"{_machine(results)}. Wall time: {wall['build']:.0f} s to build the catalogues, "
        f"{wall['measure']:.0f} s to measure.",
        "",
        "| Catalogue | Page | Target | Measured | |",
        "|---|---|---:|---:|---|",
    ]
    for key, page, label, target in SHARE_TARGETS:
        catalogue = keys[key]
        share = catalogue["runs"][page]["rps"] / _ceiling(catalogue["runs"])
        name = (
            f"{catalogue['components']:,} components"
            if key == "big"
            else f"Seed catalogue ({catalogue['components']})"
        )
        lines.append(
            f"| {name} | {label} | ≥ {target:.0%} of `/health` | {share:.1%} | "
            f"{_verdict(share >= target)} |"
        )
    backend_p95 = latency["inprocess"]["backend_ms"]["p95"]
    search_ratio = _ratio(_p(latency["search"], "p95"), backend_p95)
    component_ratio = _ratio(_p(latency["component"], "p95"), _p(latency["health"], "p95"))
    lines += [
        f"| {latency['components']:,} components, one client, page cache off | Search page p95 "
        f"over `backend.search` p95, same queries | ≤ {SEARCH_P95_RATIO:g}× | "
        f"{search_ratio:.1f}× | {_verdict(search_ratio <= SEARCH_P95_RATIO)} |",
        f"| {latency['components']:,} components, one client, page cache off | Component page "
        f"p95 over `/health` p95 | ≤ {COMPONENT_P95_RATIO:g}× | {component_ratio:.1f}× | "
        f"{_verdict(component_ratio <= COMPONENT_P95_RATIO)} |",
        "",
        "| Catalogue | Page | distinct URLs | requests/s | share of `/health` | workers' CPU ms "
        "a request | `/health`'s CPU over the page's | p50 ms | p95 ms | p99 ms | requests | "
        "non-2xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "health-before": "`/health` (before)",
        "search": "search page, rotating",
        "component": "component page, rotating",
        "search-single": "search page, one URL (cached)",
        "component-single": "component page, one URL (cached)",
        "health-after": "`/health` (after)",
    }
    for catalogue in (seed, big):
        ceiling = _ceiling(catalogue["runs"])
        floor = _health_cpu(catalogue["runs"])
        for name, run in catalogue["runs"].items():
            share = "ceiling" if name.startswith("health") else f"{run['rps'] / ceiling:.1%}"
            cpu = run.get("cpu_ms")
            by_cpu = (
                "" if name.startswith("health") or not (cpu and floor) else f"{floor / cpu:.1%}"
            )
            lines.append(
                f"| {catalogue['components']:,} | {names[name]} | {run['distinct']:,} | "
                f"{run['rps']:,.0f} | {share} | {'' if cpu is None else f'{cpu:.2f}'} | {by_cpu} | "
                f"{_p(run, 'p50'):.1f} | {_p(run, 'p95'):.1f} | "
                f"{_p(run, 'p99'):.1f} | {run.get('requests', 0):,} | {run['non_2xx']} | "
                f"{run['socket_errors']} |"
            )
    inprocess = latency["inprocess"]
    lines += [
        "",
        f"One client (`one_client` in bench/_http_run.py: one keep-alive connection, one request "
        f"at a time, each timed from send to the end of its body; {settings['latency_duration']}s "
        "per page, after one pass over the warm-up list of other URLs, as the in-process "
        "backend below has had) at "
        f"{latency['components']:,} components, a second gunicorn start with "
        "`CATALOGUE_PAGE_CACHE_SIZE=0`, so every page is rendered. The search client got "
        f"{int(latency['search']['rotate'].get('requests', 0)):,} answers, for the first URLs of "
        f"the search list in order; `bench/_inprocess.py` then took the first "
        f"{inprocess['queries']:,} URLs of that list (those, and the next ones when fewer than "
        "20 were answered), turned each into the search page's own `SearchQuery` and timed "
        f"`backend.search(query)` ({inprocess['backend']}) in one process, each query once, "
        "after an untimed pass over the warm-up's other search URLs (as the client: the backend "
        "keeps scored postings and the snippets' tokens, so a second pass over the same queries "
        "would time answers it had partly made before), and the service's search as the page "
        "calls it "
        "(with the fallback to any word and the spelling correction when nothing is found).",
        "",
        "| One client, page cache off | p50 ms | p95 ms | p99 ms | requests |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in (
        ("health", "`/health`"),
        ("search", "search page, rotating"),
        ("component", "component page, rotating"),
    ):
        run = latency[name]
        lines.append(
            f"| {label} | {_p(run, 'p50'):.1f} | {_p(run, 'p95'):.1f} | {_p(run, 'p99'):.1f} | "
            f"{run.get('requests', 0):,} |"
        )
    for key, label in (
        ("backend_ms", "`backend.search`, in-process, same queries"),
        ("service_ms", "the service's search (with fallbacks), in-process"),
    ):
        timing = inprocess[key]
        lines.append(
            f"| {label} | {timing['p50']:.1f} | {timing['p95']:.1f} | – | "
            f"{inprocess['queries']:,} |"
        )
    health = sum(_ceiling(c["runs"]) for c in (seed, big)) / 2
    share = health / trivial["rps"]
    lines += [
        "",
        f"**The ceiling.** A bare Flask app (`bench/trivial_wsgi.py`, one route answering `ok`) "
        f"served with the same gunicorn settings in the same run: {trivial['rps']:,.0f} "
        f"requests/s (p95 {_p(trivial, 'p95'):.1f} ms). The app's `/health` (mean of the four "
        f"runs above): {health:,.0f} requests/s, {share:.0%} of it "
        f"({'at least' if share >= HEALTH_CEILING_SHARE else 'below'} "
        f"{HEALTH_CEILING_SHARE:.0%}).",
    ]
    hooks = latency.get("hooks")
    if hooks and share < HEALTH_CEILING_SHARE:
        spent = [hook for hook in hooks["hooks"] if hook["us"] >= 1]
        listed = "; ".join(f"`{hook['name']}` {hook['us']:.0f} µs" for hook in spent[:6])
        lines += [
            "",
            "Why `/health` is below that: `/health` itself only builds a two-byte response "
            "(catalogue/web/health.py, unchanged), but every request of the app goes through its "
            "request hooks. Called through the WSGI entry point in one process "
            f"({hooks['requests']:,} requests, `python bench/_inprocess.py hooks`), `/health` "
            f"takes {hooks['health_us']:.0f} µs and the trivial app's `/` "
            f"{hooks['trivial_us']:.0f} µs. Timed one by one, the hooks and the session "
            f"interface take (µs per request): {listed}. Its answer also carries "
            f"{hooks['health_header_bytes']} bytes of headers (security headers, `Vary`) "
            f"against {hooks['trivial_header_bytes']}.",
        ]
    return "\n".join(lines) + "\n"


def _slope(sizes: list[float], costs: list[float]) -> float:
    """Least-squares exponent k of cost ~ size^k."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(c) for c in costs]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _growth_word(k: float) -> str:
    if k < 0.15:
        return "about flat"
    if k < 0.8:
        return "slower than the catalogue"
    if k < 1.25:
        return "about in proportion to the catalogue"
    return "faster than the catalogue"


GROWTH_COSTS = (
    ("search p95", lambda p: p["search"]["backend_ms"]["p95"], "ms"),
    ("search p50", lambda p: p["search"]["backend_ms"]["p50"], "ms"),
    ("time per search page", lambda p: 1000 / p["pages"]["search"]["rps"], "ms"),
    ("time per component page", lambda p: 1000 / p["pages"]["component"]["rps"], "ms"),
    ("full reindex", lambda p: p["reindex"]["seconds"], "s"),
    ("memory per worker", lambda p: sum(p["rss_mb"]) / max(1, len(p["rss_mb"])), "MB"),
)


def growth_markdown(results: dict[str, Any]) -> str:
    """The growth block: per backend and size, search latency, pages/s, reindex, memory."""
    settings = results["settings"]
    points = results["points"]
    names = {"whoosh": "SQLite + Whoosh", "postgres": "PostgreSQL + PostgreSQL search"}
    lines = [
        "## Growth: what each cost does as the catalogue grows",
        "",
        "Measured by `bash bench/http.sh growth`: for each backend and size, a catalogue of "
        "that many components (the seed catalogue grown with synthetic components by "
        "`bench/_http_catalogue.py`, each size from the one before; SQLite with Whoosh, or "
        "its own PostgreSQL database with the PostgreSQL search backend). Full reindex: "
        "`SearchService.rebuild()` as `catalogue reindex` runs it, reading every component "
        "from the database included. Search: `backend.search` in-process over the first "
        f"{settings['search_queries']} URLs of `bench/_urls.py`'s search list, each once, after "
        "an untimed pass over the warm-up's other search URLs. Pages: gunicorn with "
        f"{settings['workers']} sync workers and `CATALOGUE_PAGE_CACHE_SIZE=0`, wrk "
        f"({settings['connections']} connections, {settings['threads']} threads, "
        f"{settings['duration']}s after a {settings['warmup']}s warm-up) rotating over "
        f"{settings['search_urls']:,} distinct search URLs, then over every component page. "
        "Memory: VmRSS of each gunicorn worker (/proc/PID/status) after that load, mean of "
        f"the workers. Load: the load average when the size's measurement began. "
        f"{_machine(results)}. Wall time: {results['wall']:.0f} s.",
        "",
        "| Backend | Components | search p50 ms | search p95 ms | search pages/s | component "
        "pages/s | full reindex s | MB per worker | wall s | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        rss = point["rss_mb"]
        lines.append(
            f"| {names[point['backend']]} | {point['components']:,} | "
            f"{point['search']['backend_ms']['p50']:.1f} | "
            f"{point['search']['backend_ms']['p95']:.1f} | "
            f"{point['pages']['search']['rps']:,.0f} | {point['pages']['component']['rps']:,.0f} | "
            f"{point['reindex']['seconds']:.1f} | "
            f"{sum(rss) / max(1, len(rss)):.0f} | {point['wall']:.0f} | "
            f"{point['load']:.1f} |"
            if "load" in point
            else f"{sum(rss) / max(1, len(rss)):.0f} | {point['wall']:.0f} | – |"
        )
    lines += [
        "",
        "How each cost grows (k: the exponent of a least-squares fit of cost ∝ size^k; "
        "the ratios from one size to the next):",
        "",
    ]
    for backend in dict.fromkeys(p["backend"] for p in points):
        mine = sorted((p for p in points if p["backend"] == backend), key=lambda p: p["size"])
        if len(mine) < 2:
            continue
        sizes = [float(p["components"]) for p in mine]
        parts = []
        for label, cost, unit in GROWTH_COSTS:
            values = [cost(p) for p in mine]
            k = _slope(sizes, values)
            steps = ", ".join(
                f"×{b / a:.2g} to {int(s):,}"
                for a, b, s in zip(values, values[1:], sizes[1:], strict=False)
            )
            parts.append(
                f"{label} {values[0]:.3g} {unit} at {int(sizes[0]):,} ({steps}; k = {k:.2f}, "
                f"{_growth_word(k)})"
            )
        lines.append(f"- **{names[backend]}**: " + "; ".join(parts) + ".")
    if results.get("note"):
        lines += ["", str(results["note"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PERFORMANCE)
    commands = parser.add_subparsers(dest="command", required=True)
    block = commands.add_parser("block", help="write FILE's Markdown as block NAME")
    block.add_argument("name", help="block name, e.g. http")
    block.add_argument("body", type=Path, help="file with the block's Markdown")
    for name, help_text in (
        ("rotate", "bench/http.sh's rotate.json as the http block"),
        ("growth", "bench/http.sh's growth.json as the growth block"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("results", type=Path)
        command.add_argument("--no-write", action="store_true", help="only print")
    args = parser.parse_args()
    if args.command == "block":
        write_block(args.name, args.body.read_text(encoding="utf-8"), args.output)
        print(f"wrote the {args.name} block of {args.output}")
        return
    results = json.loads(args.results.read_text(encoding="utf-8"))
    if args.command == "rotate":
        name, body = HTTP_BLOCK, rotate_markdown(results)
    else:
        name, body = GROWTH_BLOCK, growth_markdown(results)
    print(body)
    if not args.no_write:
        write_block(name, body, args.output)
        print(f"wrote the {name} block of {args.output}")


if __name__ == "__main__":
    main()
