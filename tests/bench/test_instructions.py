"""bench/instructions.py: the URLs it asks for and the table it prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ROOT, load_script


def _module() -> Any:
    return load_script(ROOT / "bench" / "instructions.py", "instructions")


def test_a_small_catalogues_urls_come_again_in_turn_in_a_fixed_order(tmp_path: Path) -> None:
    instructions = _module()
    (tmp_path / "urls").mkdir()
    pages = [f"/componenten/c{i}" for i in range(5)]
    (tmp_path / "urls" / "components.txt").write_text("\n".join(pages), encoding="utf-8")
    urls = instructions.urls_of(tmp_path, "component", 12)
    assert len(urls) == 12
    assert sorted(urls[:5]) == pages
    assert urls[5:10] == urls[:5]
    assert urls == instructions.urls_of(tmp_path, "component", 12)
    assert instructions.urls_of(tmp_path, "health", 3) == ["/health"] * 3


def test_the_table_divides_by_health_and_by_the_first_tree() -> None:
    instructions = _module()
    base, main = Path("/src/base"), Path("/src/main")
    counts = {
        (base, "health"): 2_000_000.0,
        (base, "component"): 10_000_000.0,
        (main, "health"): 2_000_000.0,
        (main, "component"): 9_000_000.0,
    }
    table = instructions.report([base, main], ["health", "component"], counts).splitlines()
    assert table[0].endswith("| over base |")
    assert table[3] == "| /src/base | component | 10.000 | 5.00 | 1.000 |"
    assert table[5] == "| /src/main | component | 9.000 | 4.50 | 0.900 |"
    single = instructions.report([main], ["health", "component"], counts).splitlines()
    assert single[-1] == "| /src/main | component | 9.000 | 4.50 |"


def test_callgrinds_count_is_read_from_its_summary() -> None:
    instructions = _module()
    summary = "==8643== Events    : Ir\n==8643== Collected : 1957548423\n==8643==\n"
    summary += "==8643== I   refs:      1,957,548,423\n"
    assert instructions.executed(summary) == 1_957_548_423
    assert instructions.executed("==1== Events    : Ir\n") is None
