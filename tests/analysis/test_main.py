from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from listening.analysis import write_polis_export
from listening.analysis.__main__ import main

from .conftest import two_camps


def _export(folder: Path) -> None:
    m = two_camps(12, 5)
    write_polis_export(
        folder,
        comments=[{"id": s, "text": f"s{s}", "moderated": 1} for s in m.statement_ids],
        votes=[(int(p[1:]) + (0 if p[0] == "a" else 100), s, v) for p, s, v in m.to_triples()],
        groups={},
        summary={"topic": "test"},
    )


def test_main_opinions_writes_json(tmp_path: Path) -> None:
    _export(tmp_path / "conv")
    out = tmp_path / "out.json"
    assert main(["opinions", str(tmp_path / "conv"), "--json", str(out), "--seed", "3"]) == 0
    data = json.loads(out.read_text())
    assert set(data["participants"]) == {str(i) for i in range(12)} | {
        str(100 + i) for i in range(12)
    }
    assert len(data["groups"]) == 2
    assert {"load", "pca", "total"} <= set(data["timings"])
    assert data["timings"]["total"] >= data["timings"]["load"]


def test_main_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,0,0,5\n")
    done = subprocess.run(
        [sys.executable, "-m", "listening.analysis", "opinions", str(tmp_path), "--json", "x.json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "votes.csv: row 2" in lines[0]


def test_main_empty_folder_exits_2(tmp_path: Path) -> None:
    assert main(["opinions", str(tmp_path), "--json", str(tmp_path / "o.json")]) == 2


def test_main_unknown_method_exits_2_naming_the_choices(tmp_path: Path) -> None:
    _export(tmp_path / "conv")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "listening.analysis",
            "opinions",
            str(tmp_path / "conv"),
            "--json",
            str(tmp_path / "o.json"),
            "--method",
            "magic",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "magic" in done.stderr
    assert "polis" in done.stderr
    assert not (tmp_path / "o.json").exists()


def test_main_opinions_method_polis_and_listening_both_write_groups(tmp_path: Path) -> None:
    _export(tmp_path / "conv")
    for method in ("polis", "listening"):
        out = tmp_path / f"{method}.json"
        code = main(["opinions", str(tmp_path / "conv"), "--json", str(out), "--method", method])
        assert code == 0
        assert len(json.loads(out.read_text())["groups"]) == 2


def test_main_conversation_without_groups_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_polis_export(
        tmp_path / "mod",
        comments=[{"id": s, "text": f"s{s}", "moderated": -1} for s in range(3)],
        votes=[(p, s, 1 if (p + s) % 2 else -1) for p in range(6) for s in range(3)],
        groups={},
        summary={"topic": "test"},
    )
    write_polis_export(
        tmp_path / "one",
        comments=[{"id": s, "text": f"s{s}", "moderated": 1} for s in range(3)],
        votes=[(1, s, 1) for s in range(3)],
        groups={},
        summary={"topic": "test"},
    )
    assert main(["opinions", str(tmp_path / "mod"), "--json", str(tmp_path / "a.json")]) == 0
    assert "every statement is moderated out" in capsys.readouterr().err
    assert json.loads((tmp_path / "a.json").read_text())["statements"] == {}
    assert main(["opinions", str(tmp_path / "one"), "--json", str(tmp_path / "b.json")]) == 0
    assert "1 participant(s) in the conversation" in capsys.readouterr().err
