"""Command line: ``python -m advisor solve INSTANCE.json`` prints the plan as JSON.

``-`` reads the instance from stdin. Exit codes: 0 for a plan (feasible or not), 2 for a bad
instance or bad usage (the message on stderr names the JSON path of the problem).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from advisor.instance import InstanceError, parse_instance
from advisor.solve import solve

EXIT_BAD_INPUT = 2
# Batch callers can wait: long enough to prove most instances optimal. The library default
# (advisor.DEFAULT_TIME_LIMIT) is the interactive one used by the web app.
CLI_TIME_LIMIT = 10.0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"not a number: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not value > 0:
        msg = "must be positive"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m advisor", description="Componentenwijzer advisor"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="print the cheapest plan for an instance as JSON")
    run.add_argument("instance", help="instance JSON file, or - for stdin")
    run.add_argument("--pretty", action="store_true", help="indent the JSON output")
    run.add_argument(
        "--time-limit",
        type=_positive,
        default=CLI_TIME_LIMIT,
        help=f"seconds before the best plan so far is used (default {CLI_TIME_LIMIT:g})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    source = "<stdin>" if args.instance == "-" else args.instance
    try:
        if args.instance == "-":
            text = sys.stdin.read()
        else:
            with open(args.instance, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{source}: cannot read instance: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        instance = parse_instance(text)
    except InstanceError as exc:
        print(f"{source}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    plan = solve(instance, time_limit=args.time_limit)
    indent = 2 if args.pretty else None
    json.dump(plan.to_json(), sys.stdout, indent=indent, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
