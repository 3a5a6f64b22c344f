from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from listening.analysis import (
    Comment,
    PolisExport,
    PolisExportError,
    Vote,
    VoteMatrix,
    compute_opinions,
    polis_io,
    read_polis_export,
    write_polis_export,
)
from listening.analysis.matrix import id_sort_key

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


# -- votes.csv read into columns ---------------------------------------------------------

HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def _ref_id(text: str) -> Any:
    t = text.strip()
    return int(t) if t.lstrip("-").isdigit() else t


def _reference_votes(text: str) -> list[Vote]:
    """The previous reader: a dict of the latest vote per pair (the later row on equal
    timestamps), listed in the order the pairs were first voted on."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    latest: dict[tuple[Any, Any], tuple[int, int, int]] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        row = dict(zip(header, cells, strict=True))
        ts = int(row["timestamp"])
        key = (_ref_id(row["voter-id"]), _ref_id(row["comment-id"]))
        value = int(float(row["vote"].strip()))
        prev = latest.get(key)
        if prev is None or (ts, line) >= prev[:2]:
            latest[key] = (ts, line, value)
    return [Vote(p, c, v, ts) for (p, c), (ts, _, v) in latest.items()]


def _reference_matrix(exp: PolisExport, *, include_moderated: bool = False) -> VoteMatrix:
    """PolisExport.matrix as it was, from the list of votes."""
    out = set() if include_moderated else exp.moderated_out
    kept = [v for v in exp.votes if v.statement not in out]
    statements = sorted({v.statement for v in kept}, key=id_sort_key)
    participants = exp.participants or sorted({v.participant for v in exp.votes}, key=id_sort_key)
    pindex = {p: i for i, p in enumerate(participants)}
    sindex = {s: j for j, s in enumerate(statements)}
    return VoteMatrix.from_indices(
        [pindex[v.participant] for v in kept],
        [sindex[v.statement] for v in kept],
        [v.value for v in kept],
        participants,
        statements,
    )


def _assert_same_matrix(a: VoteMatrix, b: VoteMatrix) -> None:
    assert a.participant_ids == b.participant_ids
    assert a.statement_ids == b.statement_ids
    assert a.votes.indptr.tolist() == b.votes.indptr.tolist()
    assert a.votes.indices.tolist() == b.votes.indices.tolist()
    assert a.votes.data.tolist() == b.votes.data.tolist()
    assert a.votes.dtype == np.int8


def test_votes_latest_timestamp_stands_then_later_row(tmp_path: Path) -> None:
    votes = HEADER + (
        "5,x,0,1,1\n"
        "5,x,0,1,-1\n"  # equal timestamps: the later row wins
        "9,x,0,2,1\n"
        "3,x,0,2,-1\n"  # an earlier vote further down the file does not
        "4,x,1,2,0\n"
        "4,x,1,2,1\n"
        "4,x,1,2,-1\n"
        "7,x,1,1,0\n"
    )
    exp = read_polis_export(_write(tmp_path, votes_csv=votes))
    assert exp.votes == [Vote(1, 0, -1, 5), Vote(2, 0, 1, 9), Vote(2, 1, -1, 4), Vote(1, 1, 0, 7)]
    assert exp.votes == _reference_votes(votes)
    _assert_same_matrix(exp.matrix(), _reference_matrix(exp))
    assert exp.matrix().votes.toarray().tolist() == [[-1, 0], [1, -1]]


def test_votes_string_and_integer_ids(tmp_path: Path) -> None:
    votes = HEADER + (
        "1,x,0,abc,1\n"
        "2,x,0,7,1\n"
        "3,x,0,07,-1\n"  # the same participant as "7": a re-vote
        "4,x,s1, 7 ,0\n"
        "5,x,s1,+5,1\n"  # "+5" does not look like an integer: a string id
        "6,x,0,-3,-1\n"
        "7,x,2,x y,1\n"
    )
    exp = read_polis_export(_write(tmp_path, votes_csv=votes))
    assert exp.votes == _reference_votes(votes)
    assert [v[:3] for v in exp.votes] == [
        ("abc", 0, 1),
        (7, 0, -1),
        (7, "s1", 0),
        ("+5", "s1", 1),
        (-3, 0, -1),
        ("x y", 2, 1),
    ]
    m = exp.matrix()
    assert m.participant_ids == [-3, 7, "+5", "abc", "x y"]
    assert m.statement_ids == [0, 2, "s1"]
    _assert_same_matrix(m, _reference_matrix(exp))


@pytest.mark.parametrize("spread", [1, 10**9])  # dense ids, and ids too sparse for a bitmap
def test_votes_large_and_negative_integer_ids(tmp_path: Path, spread: int) -> None:
    rng = np.random.default_rng(5)
    voters = (rng.integers(-50, 50, 500) * spread).tolist()
    comments = (rng.integers(0, 20, 500) * spread + 10**12).tolist()
    lines = [
        f"{ts},x,{c},{p},{v}"
        for ts, c, p, v in zip(
            rng.integers(0, 50, 500).tolist(),
            comments,
            voters,
            rng.integers(-1, 2, 500).tolist(),
            strict=True,
        )
    ]
    votes = HEADER + "\n".join(lines) + "\n"
    exp = read_polis_export(_write(tmp_path, votes_csv=votes))
    assert exp.votes == _reference_votes(votes)
    _assert_same_matrix(exp.matrix(), _reference_matrix(exp))
    assert exp.matrix().participant_ids == sorted(set(voters))


def test_votes_spellings_blank_lines_and_crlf(tmp_path: Path) -> None:
    votes = HEADER + "1,x,0,0,1.0\n\n2,x,1,0,-0\n   \n3,x,2,0, -1 \n4,x,3,0,0.0\n5,x,4,0,-1.0\n"
    exp = read_polis_export(_write(tmp_path / "lf", votes_csv=votes))
    assert [v.value for v in exp.votes] == [1, 0, -1, 0, -1]
    crlf = read_polis_export(_write(tmp_path / "crlf", votes_csv=votes.replace("\n", "\r\n")))
    assert crlf.votes == exp.votes


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (HEADER + "1,x,0,0,1\n2,x,0,1,1,9\n", "votes.csv: row 3: has 6 fields, the header has 5"),
        (HEADER + "1,x,0,0,1\n2,x,0,,1\n", "votes.csv: row 3: voter-id or comment-id is empty"),
        (HEADER + "1,x, ,0,1\n", "votes.csv: row 2: voter-id or comment-id is empty"),
        (HEADER + "1,x,0,0,1\nsoon,x,0,1,1\n", "votes.csv: row 3: timestamp is not a number"),
        (HEADER + "1.5,x,0,1,1\n", "votes.csv: row 2: timestamp is not a whole number"),
        (HEADER + "1,x,0,1,01\n", "votes.csv: row 2: vote must be -1, 0 or 1, not '01'"),
        (HEADER + "1,x,0,1,+1\n", "votes.csv: row 2: vote must be -1, 0 or 1, not '+1'"),
        (HEADER + "1,x,0,1,\n", "votes.csv: row 2: vote must be -1, 0 or 1, not ''"),
        (HEADER + "1,x,0,1,1\n" * 3 + "2,x,0,,1\n3,x,0\n", "votes.csv: row 5: voter-id or"),
        (HEADER + '1,"two\nlines",0,1,1\n2,x,0,1,2\n', "votes.csv: row 4: vote must be"),
        (HEADER + "1" + "0" * 20 + ",x,0,1,1\n", "votes.csv: row 2: timestamp is out of range"),
        ("", "votes.csv: row 1: empty file, no header"),
        # What numpy's C reader would take as integers, and the checked reading refuses.
        (HEADER + "1,x,0,1,00\n", "votes.csv: row 2: vote must be -1, 0 or 1, not '00'"),
        (HEADER + "1,x,0,1,1\n2,x,0,2,-01\r\n", "row 3: vote must be -1, 0 or 1, not '-01'"),
        (HEADER + "1,x,0,1,1,9\n2,x,0,2\n", "votes.csv: row 2: has 6 fields, the header has 5"),
        ("timestamp,comment-id,vote\n1,0,1\n", "votes.csv: row 1: missing column voter-id"),
    ],
)
def test_votes_bad_input_names_file_and_row(tmp_path: Path, votes: str, expected: str) -> None:
    with pytest.raises(PolisExportError) as info:
        read_polis_export(_write(tmp_path, votes_csv=votes))
    assert expected in str(info.value)


def test_votes_not_utf8_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_bytes((HEADER + "1,x,0,0,1\n2,\xff,0,1,1\n").encode("latin-1"))
    with pytest.raises(PolisExportError, match=r"votes\.csv: not UTF-8 text"):
        read_polis_export(tmp_path)


@pytest.mark.parametrize("string_ids", [False, True])
def test_write_then_read_many_votes_round_trips(tmp_path: Path, string_ids: bool) -> None:
    rng = np.random.default_rng(3)
    n = 6000
    people = [f"p{p}" if string_ids and p % 7 == 0 else int(p) for p in rng.integers(0, 400, n)]
    statements = rng.integers(0, 60, n).tolist()
    values = rng.integers(-1, 2, n).tolist()
    stamps = rng.integers(1000, 1400, n).tolist()  # many equal timestamps
    votes = list(zip(people, statements, values, stamps, strict=True))
    comments = [{"id": j, "text": f"s{j}", "moderated": -1 if j % 9 == 0 else 1} for j in range(60)]
    groups = {p: i % 3 for i, p in enumerate(range(0, 420, 3))}  # some without votes
    write_polis_export(tmp_path, comments=comments, votes=votes, groups=groups, summary={})
    exp = read_polis_export(tmp_path)
    assert exp.vote_source == "votes.csv"
    assert exp.votes == _reference_votes((tmp_path / "votes.csv").read_text())
    assert len(exp.votes) < n  # re-votes were dropped
    assert exp.participants == sorted(set(people) | set(groups), key=id_sort_key)
    for include in (False, True):
        _assert_same_matrix(
            exp.matrix(include_moderated=include),
            _reference_matrix(exp, include_moderated=include),
        )
    assert exp.hidden_statements == len({v.statement for v in exp.votes} & exp.moderated_out)


def test_participants_votes_only_gives_groups_when_votes_csv_is_there(tmp_path: Path) -> None:
    pv = (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
        "0,1,0,2,1,0,yes,no\n"  # vote cells are not read: votes.csv has the votes
        "9,0,0,0,0,0,,\n"
    )
    exp = read_polis_export(_write(tmp_path, participants_votes_csv=pv, votes_csv=VOTES))
    assert exp.vote_source == "votes.csv"
    assert exp.groups == {0: 1, 9: 0}
    assert exp.participants == [0, 1, 9]
    assert exp.matrix().participant_ids == [0, 1, 9]
    _assert_same_matrix(exp.matrix(), _reference_matrix(exp))


def test_export_made_from_a_list_of_votes(tmp_path: Path) -> None:
    votes = [Vote(2, 0, 1, None), Vote(1, 1, -1, None), Vote(2, 0, -1, None), Vote(1, 0, 0, 5)]
    exp = PolisExport(
        path=tmp_path,
        comments=[Comment(0, None, "a", 1, None), Comment(1, None, "b", -1, None)],
        votes=votes,
        groups={},
        summary={},
        vote_source="simulated",
        participants=[1, 2, 3],
    )
    assert exp.votes is votes
    assert exp.hidden_statements == 1
    m = exp.matrix(include_moderated=True)
    assert m.participant_ids == [1, 2, 3]
    assert m.votes.toarray().tolist() == [[0, -1], [-1, 0], [0, 0]]  # the last vote stands
    _assert_same_matrix(exp.matrix(), _reference_matrix(exp))


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
    res = compute_opinions(
        exp.matrix(include_moderated=True), moderated_out=exp.moderated_out, method="listening"
    )
    ours = dict(zip(res.participant_ids, res.participant_group.tolist(), strict=True))
    common = [p for p, g in exp.groups.items() if g is not None and ours.get(p, -1) >= 0]
    assert len(common) > 0.9 * sum(g is not None for g in exp.groups.values())
    ari = adjusted_rand_score([exp.groups[p] for p in common], [ours[p] for p in common])
    assert ari >= minimum


def test_read_file_cut_inside_a_quoted_field_names_row_and_column(tmp_path: Path) -> None:
    cut = COMMENTS + '4,x,3,1,0,0,1,"a statement cut sh'
    with pytest.raises(
        PolisExportError, match=r"comments\.csv: row 5, column comment-body: the file ends inside"
    ):
        read_polis_export(_write(tmp_path, comments_csv=cut, votes_csv=VOTES))


def test_read_nul_byte_names_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(PolisExportError, match=r"votes\.csv: row 3, column vote: contains a NUL"):
        read_polis_export(
            _write(
                tmp_path,
                comments_csv=COMMENTS,
                votes_csv=VOTES.replace("30,x,0,0,-1", "30,x,0,0,-\0"),
            )
        )


def test_read_strict_refuses_what_an_import_cannot_store(tmp_path: Path) -> None:
    big = COMMENTS.replace("3,x,2,1", "3,x,99999999999999999999,1")
    folder = _write(tmp_path / "big", comments_csv=big, votes_csv=VOTES)
    # Analysis takes any id; an import needs Polis ids.
    assert 99999999999999999999 in {c.id for c in read_polis_export(folder).comments}
    with pytest.raises(PolisExportError, match=r"row 4, column comment-id: .* not a Polis id"):
        read_polis_export(folder, strict=True)
    votes_only = _write(tmp_path / "votes-only", votes_csv=VOTES)
    assert read_polis_export(votes_only).n_votes == 3  # (0, 0), (0, 1), (1, 2)
    with pytest.raises(PolisExportError, match=r"comments\.csv: missing"):
        read_polis_export(votes_only, strict=True)


def test_participant_order_is_first_appearance_in_votes_csv(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text(
        "timestamp,comment-id,voter-id,vote\n5,0,30,1\n9,0,10,-1\n1,1,20,1\n7,1,30,1\n8,1,10,0\n",
        encoding="utf-8",
    )
    assert read_polis_export(tmp_path).participant_order() == [30, 10, 20]


def test_read_text_after_a_closing_quote_names_row_and_column(tmp_path: Path) -> None:
    bad = COMMENTS.replace("3,x,2,1,0,0,0,third", '3,x,2,1,0,0,0,"third" and more')
    with pytest.raises(
        PolisExportError, match=r"comments\.csv: row 4, column comment-body: text after a closing"
    ):
        read_polis_export(_write(tmp_path, comments_csv=bad, votes_csv=VOTES))


PLAIN_VOTES = (
    HEADER
    + "".join(f"{t},Wed Jun 18 08:16:54 WIB 2014,{t % 7},{t % 11},{t % 3 - 1}\n" for t in range(60))
    + "\n70,x,3,07,-0\n71,x, 4 ,9, 1 \n72,x,-2,-5,0\n80,x,5,5,-1\n3,x,5,5,0\n"
)


@pytest.mark.parametrize(
    "votes",
    [
        PLAIN_VOTES,
        PLAIN_VOTES.replace("\n", "\r\n"),
        PLAIN_VOTES + "73,x,5,+6,1\n",  # "+6" is a string id, numpy would read 6
        PLAIN_VOTES + '74,"x, y",5,6,1\n',  # a quoted field
        PLAIN_VOTES + "75,x,5,6,1.0\n",  # a spelling only the checked reading takes
        PLAIN_VOTES + "76,x,5,seven,1\n",  # a string id
    ],
)
def test_votes_fast_and_checked_readings_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, votes: str
) -> None:
    folder = _write(tmp_path, votes_csv=votes)
    read = read_polis_export(folder)
    monkeypatch.setattr(polis_io, "_read_votes_fast", lambda file, strict: None)
    checked = read_polis_export(folder)
    assert read.votes == checked.votes
    _assert_same_matrix(read.matrix(), checked.matrix())
    assert read.participant_order() == checked.participant_order()


def test_votes_plain_file_takes_the_fast_reading(tmp_path: Path) -> None:
    folder = _write(tmp_path, votes_csv=PLAIN_VOTES)
    assert polis_io._read_votes_fast(folder / "votes.csv", strict=False) is not None
    # Strict: "-2" and "-5" are no Polis ids; the checked reading names the row.
    assert polis_io._read_votes_fast(folder / "votes.csv", strict=True) is None
    with pytest.raises(PolisExportError, match=r"row 65.*not a Polis id"):
        read_polis_export(_write(tmp_path, comments_csv=COMMENTS), strict=True)
