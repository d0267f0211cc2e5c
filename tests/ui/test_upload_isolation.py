"""Uploads are checked in a child process with memory and time limits (ui.upload_worker):
a file that exhausts them fails its own preview with one line; the app's process goes on."""
from __future__ import annotations

from pathlib import Path

import pytest

from ui import upload, upload_worker

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "files"
GOOD = (CORPUS / "01_clean_snake_case_utf8.csv").read_bytes()


def test_an_isolated_preview_gives_what_the_loader_gives():
    [p] = upload.preview_files([("good.csv", GOOD)], isolated=True)
    assert (p.status, p.rows_read, p.accepted, p.rejected) == ("ready to load", 6, 6, 0)
    [bomb] = upload.preview_files([("bomb.xlsx", (CORPUS / "41_one_cell_at_xfd1048576.xlsx").read_bytes())],
                                  isolated=True)
    assert not bomb.readable and "too big to be a return" in bomb.problem


def test_a_child_out_of_memory_fails_only_its_preview(monkeypatch):
    real = upload_worker.run                      # 64 MB: too little for the reader even to import pandas
    monkeypatch.setattr(upload_worker, "run", lambda task, request, timeout, **_: real(
        task, request, timeout, memory=64 * 1024 ** 2))
    [p] = upload.preview_files([("good.csv", GOOD)], isolated=True)
    assert not p.readable and not p.will_load
    assert "nothing was changed" in p.problem and "\n" not in p.problem


def test_a_child_past_its_time_is_stopped(monkeypatch):
    monkeypatch.setattr(upload_worker, "CHECK_SECONDS", 0.05)
    with pytest.raises(upload_worker.IsolatedFailure, match="was stopped"):
        upload_worker.check_file("good.csv", GOOD)


def test_an_upload_holding_one_school_twice_says_which_row_wins():
    lines = GOOD.decode().splitlines()
    later = ("\r\n".join([lines[0], lines[1].replace("1.5 days", "12")]) + "\r\n").encode()
    previews = upload.preview_files([("first.csv", GOOD), ("later.csv", later)])
    assert previews[0].batch_notes == ()
    [note] = previews[1].batch_notes
    assert "row 2 replaces row 2 of first.csv" in note and "later file's row wins" in note
    summary = upload.preview_summary(previews).set_index("File")
    assert "this file's rows win" in summary.loc["later.csv", "Note"]



def test_a_load_on_a_damaged_lake_says_so_without_a_server_path(tmp_path):
    lake = tmp_path / "senco.duckdb"
    lake.write_bytes(b"\x00" * 4096)
    with pytest.raises(upload_worker.IsolatedFailure) as info:
        upload.load_files([("good.csv", GOOD)], lake, isolated=True)
    message = str(info.value)
    assert "damaged" in message and "restore" in message and str(tmp_path) not in message
    assert lake.read_bytes() == b"\x00" * 4096


def test_a_load_into_an_unwritable_folder_says_so_without_a_server_path(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lake's folder should be")
    with pytest.raises(upload_worker.IsolatedFailure) as info:
        upload.load_files([("good.csv", GOOD)], blocker / "senco.duckdb", isolated=True)
    message = str(info.value)
    assert "could not write the lake" in message and str(tmp_path) not in message
