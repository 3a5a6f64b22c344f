from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from listening.analysis import (
    PolisExportError,
    compute_opinions,
    read_polis_export,
    write_polis_export,
)

from .conftest import opendata_root

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1,x,0,0,0,0,1,first\n"
    "2,x,1,0,0,0,-1,moderated out\n"
    "3,x,2,1,0,0,0,third\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "10,x,0,0,1\n"
    "30,x,0,0,-1\n"
    "20,x,0,0,0\n"
    "10,x,1,0,1\n"
    "11,x,2,1,0\n"
)


def _write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", "-").replace("-csv", ".csv")).write_text(text)
    return folder


def test_read_latest_vote_stands(tmp_path: Path) -> None:
    exp = read_polis_export(_write(tmp_path, comments_csv=COMMENTS, votes_csv=VOTES))
    final = {(v.participant, v.statement): v.value for v in exp.votes}
    assert final[(0, 0)] == -1
    assert final[(1, 2)] == 0


def test_read_moderated_out_statements_excluded_from_matrix(tmp_path: Path) -> None:
    exp = read_polis_export(_write(tmp_path, comments_csv=COMMENTS, votes_csv=VOTES))
    assert exp.moderated_out == {1}
    assert exp.matrix().statement_ids == [0, 2]
    assert exp.matrix(include_moderated=True).statement_ids == [0, 1, 2]


def test_read_rebuilds_votes_from_participants_votes_without_votes_csv(tmp_path: Path) -> None:
    pv = (
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
        "0,,1,0,2,1,0,1,,0\n"
        "1,,,0,1,0,1,,-1,\n"
    )
    exp = read_polis_export(_write(tmp_path, comments_csv=COMMENTS, participants_votes_csv=pv))
    assert exp.vote_source == "participants-votes.csv"
    assert sorted((v.participant, v.statement, v.value) for v in exp.votes) == [
        (0, 0, 1),
        (0, 2, 0),
        (1, 1, -1),
    ]
    assert exp.groups == {0: 1, 1: None}


def test_read_bg2050_comment_columns_variant(tmp_path: Path) -> None:
    comments = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1,0,0,1,0,1,false,false,0.5,hello\n"
    )
    exp = read_polis_export(_write(tmp_path, comments_csv=comments, votes_csv=VOTES))
    assert exp.comments[0].text == "hello"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"votes_csv": "timestamp,comment-id,vote\n1,0,1\n"},
            "votes.csv: row 1: missing column voter-id",
        ),
        (
            {"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,2\n"},
            "votes.csv: row 3: vote must be -1, 0 or 1",
        ),
        (
            {"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0\n"},
            "votes.csv: row 3: has 3 fields, the header has 5",
        ),
        (
            {
                "participants_votes_csv": "participant,group-id,n-comments,n-votes,n-agree,"
                "n-disagree,0\n0,,0,1,1,0,1\n1,,0,1,0,0,yes\n"
            },
            "participants-votes.csv: row 3: vote on 0 must be -1, 0 or 1",
        ),
        (
            {"comments_csv": "timestamp,comment-id,comment-body\n1,0,x\n"},
            "comments.csv: row 1: missing column moderated",
        ),
    ],
)
def test_read_bad_input_names_file_and_row(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    with pytest.raises(PolisExportError) as info:
        read_polis_export(_write(tmp_path, **files))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_read_empty_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(PolisExportError, match="empty export"):
        read_polis_export(tmp_path)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    comments = [
        {"id": 0, "author": 5, "text": "a, with comma", "moderated": 1, "created": 1000},
        {"id": 1, "author": 6, "text": "b", "moderated": -1, "created": 2000},
    ]
    votes = [(5, 0, 1, 10), (6, 0, -1, 11), (6, 1, 0, 12), (6, 0, 1, 13)]
    write_polis_export(
        tmp_path, comments=comments, votes=votes, groups={5: 0, 6: None}, summary={"topic": "t"}
    )
    exp = read_polis_export(tmp_path)
    assert exp.summary["topic"] == "t"
    assert exp.groups == {5: 0, 6: None}
    assert exp.comments[0].text == "a, with comma"
    assert sorted((v.participant, v.statement, v.value) for v in exp.votes) == [
        (5, 0, 1),
        (6, 0, 1),
        (6, 1, 0),
    ]
    (tmp_path / "votes.csv").unlink()
    rebuilt = read_polis_export(tmp_path)
    assert sorted((v.participant, v.statement, v.value) for v in rebuilt.votes) == sorted(
        (v.participant, v.statement, v.value) for v in exp.votes
    )


# -- regression on real Polis exports -----------------------------------------------------

ROOT = opendata_root()
needs_opendata = pytest.mark.skipif(
    ROOT is None, reason="../shared/polis-opendata not found (set POLIS_OPENDATA)"
)


@needs_opendata
@pytest.mark.parametrize(
    ("folder", "n_votes"),
    [("canadian-electoral-reform", 11950), ("15-per-hour-seattle", 2872)],
)
def test_opendata_final_vote_count_matches_deduplicated_votes(folder: str, n_votes: int) -> None:
    # figures as red-dwarf counts them on the same files (../shared/reddwarf-runs)
    assert ROOT is not None
    exp = read_polis_export(ROOT / folder)
    assert exp.matrix(include_moderated=True).n_votes == n_votes


@needs_opendata
def test_opendata_votes_csv_agrees_with_participants_votes(tmp_path: Path) -> None:
    assert ROOT is not None
    src = ROOT / "scoop-hivemind.freshwater"
    full = read_polis_export(src)
    pv_only = tmp_path / "pv"
    pv_only.mkdir()
    for name in ("comments.csv", "participants-votes.csv", "summary.csv"):
        (pv_only / name).write_bytes((src / name).read_bytes())
    rebuilt = read_polis_export(pv_only)
    a = {(v.participant, v.statement): v.value for v in full.votes}
    b = {(v.participant, v.statement): v.value for v in rebuilt.votes}
    assert a == b


@needs_opendata
@pytest.mark.parametrize(
    ("folder", "minimum"),
    [
        ("austria-climate.5twd2jsnkf.2022-08-08", 0.95),
        ("ssis.land-bank-farmland.2rumnecbeh.2021-08-01", 0.95),
        ("scoop-hivemind.taxes", 0.9),
    ],
)
def test_opendata_groups_agree_with_polis(folder: str, minimum: float) -> None:
    assert ROOT is not None
    exp = read_polis_export(ROOT / folder)
    res = compute_opinions(exp.matrix(include_moderated=True), moderated_out=exp.moderated_out)
    ours = dict(zip(res.participant_ids, res.participant_group.tolist(), strict=True))
    common = [p for p, g in exp.groups.items() if g is not None and ours.get(p, -1) >= 0]
    assert len(common) > 0.9 * sum(g is not None for g in exp.groups.values())
    ari = adjusted_rand_score([exp.groups[p] for p in common], [ours[p] for p in common])
    assert ari >= minimum
