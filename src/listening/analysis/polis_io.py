"""Reading and writing Polis export folders.

A Polis export folder holds ``comments.csv``, ``votes.csv`` and/or ``participants-votes.csv``
and ``summary.csv`` (see docs/analysis.md for the column variants). The latest vote per
(participant, statement) stands; statements moderated out (``moderated == -1``) are left out
of the vote matrix; without ``votes.csv`` the final votes are rebuilt from
``participants-votes.csv``. Bad input raises :class:`PolisExportError` whose message names
the file and the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .matrix import Id, VoteMatrix, id_sort_key

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
SUMMARY = "summary.csv"

# Columns of participants-votes.csv before the per-comment columns.
_PV_FIXED = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


class PolisExportError(ValueError):
    """Bad input in a Polis export; ``str(error)`` is one line naming the file and row."""

    def __init__(self, file: Path | str, row: int | None, problem: str) -> None:
        self.file = str(file)
        self.row = row
        self.problem = problem
        where = f"{self.file}: row {row}" if row is not None else self.file
        super().__init__(f"{where}: {problem}")


class Comment(NamedTuple):
    id: Id
    author: Id | None
    text: str
    moderated: int
    created: int | None
    is_meta: bool = False


class Vote(NamedTuple):
    participant: Id
    statement: Id
    value: int
    timestamp: int | None


@dataclass
class PolisExport:
    path: Path
    comments: list[Comment]
    votes: list[Vote]
    groups: dict[Id, int | None]
    summary: dict[str, str]
    vote_source: str
    participants: list[Id] = field(default_factory=list)

    @property
    def moderated_out(self) -> set[Id]:
        return {c.id for c in self.comments if c.moderated == -1}

    @property
    def hidden_statements(self) -> int:
        """Moderated-out statements that received votes (Polis keeps them as zero columns)."""
        out = self.moderated_out
        return len({v.statement for v in self.votes if v.statement in out})

    def matrix(self, *, include_moderated: bool = False) -> VoteMatrix:
        """The vote matrix: every participant, every statement with a vote (not moderated out)."""
        out = set() if include_moderated else self.moderated_out
        kept = [v for v in self.votes if v.statement not in out]
        statements = sorted({v.statement for v in kept}, key=id_sort_key)
        participants = self.participants or sorted(
            {v.participant for v in self.votes}, key=id_sort_key
        )
        pindex = {p: i for i, p in enumerate(participants)}
        sindex = {s: j for j, s in enumerate(statements)}
        rows = np.fromiter((pindex[v.participant] for v in kept), dtype=np.int64, count=len(kept))
        cols = np.fromiter((sindex[v.statement] for v in kept), dtype=np.int64, count=len(kept))
        vals = np.fromiter((v.value for v in kept), dtype=np.int8, count=len(kept))
        return VoteMatrix.from_indices(rows, cols, vals, participants, statements)


def _parse_id(text: str) -> Id:
    t = text.strip()
    if t.lstrip("-").isdigit():
        return int(t)
    return t


def _parse_int(text: str, file: Path, row: int, column: str) -> int:
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            raise PolisExportError(file, row, f"{column} is not a number: {text!r}") from None
        if not f.is_integer():
            raise PolisExportError(file, row, f"{column} is not a whole number: {text!r}") from None
        return int(f)


def _parse_vote(text: str, file: Path, row: int, column: str = "vote") -> int:
    t = text.strip()
    if t in ("1", "-1", "0", "1.0", "-1.0", "0.0", "-0"):
        return int(float(t))
    raise PolisExportError(file, row, f"{column} must be -1, 0 or 1, not {text!r}")


def _rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record after the header; the header comes first as 1."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            start = 1
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise PolisExportError(file, None, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise PolisExportError(file, None, f"not valid CSV ({exc})") from None


def _table(file: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    it = _rows(file)
    try:
        _, header = next(it)
    except StopIteration:
        raise PolisExportError(file, 1, "empty file, no header") from None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise PolisExportError(file, 1, f"missing column {', '.join(missing)}")
    width = len(header)
    for line, cells in it:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            raise PolisExportError(file, line, f"has {len(cells)} fields, the header has {width}")
        yield line, dict(zip(header, cells, strict=True))


def _read_comments(file: Path) -> list[Comment]:
    out: list[Comment] = []
    seen: set[Id] = set()
    for line, row in _table(file, ("comment-id", "moderated")):
        cid = _parse_id(row["comment-id"])
        if cid == "":
            raise PolisExportError(file, line, "comment-id is empty")
        if cid in seen:
            raise PolisExportError(file, line, f"comment-id {cid!r} repeats")
        seen.add(cid)
        moderated = _parse_int(row["moderated"], file, line, "moderated")
        if moderated not in (-1, 0, 1):
            raise PolisExportError(file, line, f"moderated must be -1, 0 or 1, not {moderated}")
        ts = row.get("timestamp", "").strip()
        author = row.get("author-id", "").strip()
        meta = row.get("is-meta", "").strip().lower() in ("1", "true", "t")
        out.append(
            Comment(
                id=cid,
                author=_parse_id(author) if author else None,
                text=row.get("comment-body", ""),
                moderated=moderated,
                created=_parse_int(ts, file, line, "timestamp") if ts else None,
                is_meta=meta,
            )
        )
    return out


def _read_votes(file: Path) -> list[Vote]:
    latest: dict[tuple[Id, Id], tuple[int, int, int]] = {}
    for line, row in _table(file, ("timestamp", "comment-id", "voter-id", "vote")):
        ts = _parse_int(row["timestamp"], file, line, "timestamp")
        pid = _parse_id(row["voter-id"])
        cid = _parse_id(row["comment-id"])
        if pid == "" or cid == "":
            raise PolisExportError(file, line, "voter-id or comment-id is empty")
        value = _parse_vote(row["vote"], file, line)
        key = (pid, cid)
        prev = latest.get(key)
        # The latest vote stands; on equal timestamps the later row wins.
        if prev is None or (ts, line) >= (prev[0], prev[1]):
            latest[key] = (ts, line, value)
    return [Vote(p, c, v, ts) for (p, c), (ts, _line, v) in latest.items()]


def _read_participants_votes(
    file: Path,
) -> tuple[list[Vote], dict[Id, int | None], list[Id]]:
    it = _rows(file)
    try:
        _, header = next(it)
    except StopIteration:
        raise PolisExportError(file, 1, "empty file, no header") from None
    header = [h.strip() for h in header]
    for col in ("participant", "group-id"):
        if col not in header:
            raise PolisExportError(file, 1, f"missing column {col}")
    first_comment = 0
    for i, h in enumerate(header):
        if h in _PV_FIXED:
            first_comment = i + 1
    comment_ids = [_parse_id(h) for h in header[first_comment:]]
    p_col = header.index("participant")
    g_col = header.index("group-id")
    width = len(header)
    votes: list[Vote] = []
    groups: dict[Id, int | None] = {}
    participants: list[Id] = []
    for line, cells in it:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            raise PolisExportError(file, line, f"has {len(cells)} fields, the header has {width}")
        pid = _parse_id(cells[p_col])
        if pid == "":
            raise PolisExportError(file, line, "participant is empty")
        g = cells[g_col].strip()
        groups[pid] = _parse_int(g, file, line, "group-id") if g else None
        participants.append(pid)
        for cid, cell in zip(comment_ids, cells[first_comment:], strict=True):
            if cell.strip() == "":
                continue
            votes.append(Vote(pid, cid, _parse_vote(cell, file, line, f"vote on {cid}"), None))
    return votes, groups, participants


def _read_summary(file: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line, cells in _rows(file):
        if not cells:
            continue
        if len(cells) < 2:
            raise PolisExportError(file, line, "expected key,value")
        out[cells[0].strip()] = cells[1] if len(cells) == 2 else ",".join(cells[1:])
    return out


def read_polis_export(path: str | Path) -> PolisExport:
    """Read a Polis export folder; raises PolisExportError naming file and row on bad input."""
    folder = Path(path)
    if not folder.is_dir():
        raise PolisExportError(folder, None, "not a folder")
    files = {name: folder / name for name in (COMMENTS, VOTES, PARTICIPANTS_VOTES, SUMMARY)}
    present = {name for name, f in files.items() if f.is_file()}
    if not present & {COMMENTS, VOTES, PARTICIPANTS_VOTES}:
        raise PolisExportError(
            folder, None, "no comments.csv, votes.csv or participants-votes.csv: empty export"
        )
    comments = _read_comments(files[COMMENTS]) if COMMENTS in present else []
    groups: dict[Id, int | None] = {}
    participants: list[Id] = []
    pv_votes: list[Vote] = []
    if PARTICIPANTS_VOTES in present:
        pv_votes, groups, participants = _read_participants_votes(files[PARTICIPANTS_VOTES])
    if VOTES in present:
        votes = _read_votes(files[VOTES])
        source = VOTES
        if participants:
            known = set(participants)
            extra = sorted({v.participant for v in votes} - known, key=id_sort_key)
            participants = participants + extra
    elif PARTICIPANTS_VOTES in present:
        votes = pv_votes
        source = PARTICIPANTS_VOTES
    else:
        votes = []
        source = ""
    summary = _read_summary(files[SUMMARY]) if SUMMARY in present else {}
    participants = sorted(dict.fromkeys(participants), key=id_sort_key)
    return PolisExport(
        path=folder,
        comments=comments,
        votes=votes,
        groups=groups,
        summary=summary,
        vote_source=source,
        participants=participants,
    )


# -- writing ------------------------------------------------------------------------------


def _polis_datetime(ms: int | None) -> str:
    if ms is None:
        return ""
    t = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    return t.strftime("%a %b %d %H:%M:%S UTC %Y")


def _as_comment(c: Comment | Mapping[str, Any]) -> Comment:
    if isinstance(c, Comment):
        return c
    return Comment(
        id=c["id"],
        author=c.get("author"),
        text=str(c.get("text", "")),
        moderated=int(c.get("moderated", 0)),
        created=c.get("created"),
        is_meta=bool(c.get("is_meta", False)),
    )


def _as_vote(v: Vote | Mapping[str, Any] | tuple[Any, ...]) -> Vote:
    if isinstance(v, Vote):
        return v
    if isinstance(v, Mapping):
        return Vote(v["participant"], v["statement"], int(v["value"]), v.get("timestamp"))
    if len(v) == 3:
        return Vote(v[0], v[1], int(v[2]), None)
    return Vote(v[0], v[1], int(v[2]), v[3])


def write_polis_export(
    path: str | Path,
    *,
    comments: Iterable[Comment | Mapping[str, Any]],
    votes: Iterable[Vote | Mapping[str, Any] | tuple[Any, ...]],
    groups: Mapping[Id, int | None],
    summary: Mapping[str, Any],
) -> None:
    """Write comments.csv, votes.csv, participants-votes.csv and summary.csv as Polis does."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    cmts = [_as_comment(c) for c in comments]
    all_votes = [_as_vote(v) for v in votes]
    # Final vote per pair (latest timestamp, then last given).
    final: dict[tuple[Id, Id], Vote] = {}
    for v in all_votes:
        prev = final.get((v.participant, v.statement))
        if prev is None or (v.timestamp or 0) >= (prev.timestamp or 0):
            final[(v.participant, v.statement)] = v
    agrees: dict[Id, int] = {}
    disagrees: dict[Id, int] = {}
    for v in final.values():
        if v.value == 1:
            agrees[v.statement] = agrees.get(v.statement, 0) + 1
        elif v.value == -1:
            disagrees[v.statement] = disagrees.get(v.statement, 0) + 1

    with (folder / COMMENTS).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in cmts:
            w.writerow(
                [
                    "" if c.created is None else c.created,
                    _polis_datetime(c.created),
                    c.id,
                    "" if c.author is None else c.author,
                    agrees.get(c.id, 0),
                    disagrees.get(c.id, 0),
                    c.moderated,
                    c.text,
                ]
            )

    with (folder / VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for v in sorted(all_votes, key=lambda v: v.timestamp or 0):
            w.writerow(
                [
                    v.timestamp or 0,
                    _polis_datetime(v.timestamp),
                    v.statement,
                    v.participant,
                    v.value,
                ]
            )

    comment_ids = [c.id for c in cmts]
    known = set(comment_ids)
    comment_ids += sorted({s for (_, s) in final} - known, key=id_sort_key)
    participants = sorted({p for (p, _) in final} | set(groups), key=id_sort_key)
    by_participant: dict[Id, dict[Id, int]] = {}
    for (p, s), v in final.items():
        by_participant.setdefault(p, {})[s] = v.value
    authored: dict[Id, int] = {}
    for c in cmts:
        if c.author is not None:
            authored[c.author] = authored.get(c.author, 0) + 1
    with (folder / PARTICIPANTS_VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            + [str(c) for c in comment_ids]
        )
        for p in participants:
            pv = by_participant.get(p, {})
            g = groups.get(p)
            w.writerow(
                [
                    p,
                    "" if g is None else g,
                    authored.get(p, 0),
                    len(pv),
                    sum(1 for x in pv.values() if x == 1),
                    sum(1 for x in pv.values() if x == -1),
                ]
                + [pv.get(c, "") for c in comment_ids]
            )

    buf = io.StringIO()
    w = csv.writer(buf)
    for key, value in summary.items():
        w.writerow([key, value])
    (folder / SUMMARY).write_text(buf.getvalue(), encoding="utf-8")
