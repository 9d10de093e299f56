"""The save rules both front ends share (wizard/save_file.py): they only ask and say."""

from __future__ import annotations

import os
from pathlib import Path

from wizard.save_file import overwrite_question, reason_for, try_save


def test_a_new_name_is_saved_private(tmp_path: Path):
    attempt = try_save(str(tmp_path / "a.eml"), "sisältö")
    assert attempt.saved and attempt.path == tmp_path / "a.eml"
    assert attempt.path.read_text(encoding="utf-8") == "sisältö"
    assert attempt.path.stat().st_mode & 0o777 == 0o600


def test_an_existing_file_is_replaced_only_when_asked_to(tmp_path: Path):
    target = tmp_path / "a.eml"
    target.write_text("vanha", encoding="utf-8")
    attempt = try_save(str(target), "uusi")
    assert attempt.exists and not attempt.saved and target.read_text(encoding="utf-8") == "vanha"
    assert overwrite_question(attempt.path) == f"{target} on jo olemassa. Korvataanko?"
    again = try_save(str(target), "uusi", overwrite=True)
    assert again.saved and target.read_text(encoding="utf-8") == "uusi"


def test_a_name_that_cannot_be_used_is_refused_with_the_reason(tmp_path: Path):
    folder = tmp_path / "kansio"
    folder.mkdir()
    for name, why in ((str(folder), "on hakemisto"), ("/dev/null", "ei ole tavallinen tiedosto")):
        attempt = try_save(name, "x")
        assert attempt.refused and why in attempt.refused and not attempt.saved, attempt.refused
        assert name in attempt.refused and why in reason_for(attempt.refused, name)
    link = tmp_path / "linkki.eml"
    os.symlink(tmp_path / "muualla.eml", link)
    assert try_save(str(link), "x", overwrite=True).refused and not (tmp_path / "muualla.eml").exists()


def test_the_reason_drops_the_typed_name_in_either_spelling():
    home = os.path.expanduser("~")
    assert reason_for(f"{home}/x: on hakemisto.", "~/x") == "on hakemisto."
    assert reason_for("x: on hakemisto.", "x") == "on hakemisto."
