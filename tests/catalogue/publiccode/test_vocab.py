"""The embedded vocabularies are exactly what scripts/publiccode_vocab.py generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, load_script


def _generator():
    return load_script(ROOT / "scripts" / "publiccode_vocab.py", "publiccode_vocab")


def test_the_vocabulary_module_is_what_the_generator_makes() -> None:
    generator = _generator()
    if not (generator.ISO_CODES / "iso_3166-1.json").exists():
        pytest.skip("Debian iso-codes is not installed (apt-get install iso-codes)")
    assert generator.generate() == (ROOT / "catalogue" / "publiccode" / "vocab.py").read_text(
        encoding="utf-8"
    )


def test_the_generator_notices_a_hand_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = _generator()
    if not (generator.ISO_CODES / "iso_3166-1.json").exists():
        pytest.skip("Debian iso-codes is not installed (apt-get install iso-codes)")
    edited = tmp_path / "vocab.py"
    edited.write_text(generator.generate().replace('"gdpr"', '"gdpr2"'), encoding="utf-8")
    monkeypatch.setattr(generator, "MODULE", edited)
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    assert generator.main(["--check"]) == 1
