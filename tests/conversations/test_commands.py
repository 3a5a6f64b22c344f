import csv
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from listening.analysis import read_polis_export
from listening.conversations import services
from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationLog,
    Participant,
    Statement,
    Vote,
)
from listening.conversations.vote_cache import import_stamp
from tests.factories import (
    ConversationFactory,
    ListeningSessionFactory,
    ParticipantFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

OPENDATA = Path(__file__).resolve().parents[3] / "shared" / "polis-opendata"
FOLDERS = sorted(p.name for p in OPENDATA.iterdir() if p.is_dir()) if OPENDATA.is_dir() else []
BIG = "american-assembly.bowling-green"
needs_opendata = pytest.mark.skipif(not FOLDERS, reason=f"no Polis open data at {OPENDATA}")


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


def _polis_id(xid):
    text = xid.removeprefix("polis-")
    return int(text) if text.isdigit() else text


def _stored_votes(slug):
    rows = Vote.objects.filter(conversation__slug=slug).values_list(
        "participant__xid", "statement__external_id", "value"
    )
    return {(_polis_id(x), s, v) for x, s, v in rows}


def _import(folder, slug, *extra):
    call_command("import-polis", str(folder), "--conversation", slug, "--no-map", *extra)


@needs_opendata
@pytest.mark.parametrize("name", [f for f in FOLDERS if f != BIG])
def test_import_export_import_gives_the_same_votes(tmp_path, name):
    folder = OPENDATA / name
    original = read_polis_export(folder)
    _import(folder, "first")
    first = _stored_votes("first")
    assert first == {(v.participant, v.statement, v.value) for v in original.votes}
    assert Statement.objects.filter(conversation__slug="first").count() >= len(original.comments)

    call_command("export-polis", "first", str(tmp_path / "out"))
    for file in ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"):
        assert (tmp_path / "out" / file).is_file()
    _import(tmp_path / "out", "second")
    assert _stored_votes("second") == first
    moderation = dict(
        Statement.objects.filter(conversation__slug="first").values_list("external_id", "status")
    )
    assert (
        dict(
            Statement.objects.filter(conversation__slug="second").values_list(
                "external_id", "status"
            )
        )
        == moderation
    )
    assert {c.id: c.moderated for c in original.comments} == {
        c.id: c.moderated for c in read_polis_export(tmp_path / "out").comments
    }


@needs_opendata
def test_import_largest_export_rebuilt_from_participants_votes():
    _import(OPENDATA / BIG, "bowling-green")
    assert Vote.objects.count() == len(read_polis_export(OPENDATA / BIG).votes)


@needs_opendata
def test_import_computes_the_map_and_stays_open(capsys):
    call_command("import-polis", str(OPENDATA / "london.youth.policing"), "--conversation", "ldn")
    out = capsys.readouterr().out
    assert "Imported 'ldn'" in out
    assert "Opinion map:" in out
    conversation = Conversation.objects.get(slug="ldn")
    assert conversation.is_open()
    assert conversation.snapshots.count() == 1
    assert ModerationLog.objects.get(conversation=conversation).action == "import"
    newcomer, _ = services.participant_create(conversation=conversation)
    statement = conversation.statements.filter(status="approved").first()
    _, created = services.vote_cast(participant=newcomer, statement_id=statement.pk, value=1)
    assert created
    with pytest.raises(services.StatementRejected, match="already in the conversation"):
        services.statement_submit(participant=newcomer, text=statement.text.upper())


@needs_opendata
def test_import_into_a_session_links_programme_and_languages():
    session = ListeningSessionFactory(languages=["en", "fr"])
    _import(OPENDATA / "london.youth.policing", "ldn", "--session", session.slug)
    conversation = Conversation.objects.get(slug="ldn")
    assert (conversation.session, conversation.programme) == (session, session.programme)
    assert conversation.languages == ["en", "fr"]


def test_import_into_unknown_session_imports_nothing(tmp_path):
    with pytest.raises(CommandError, match="No listening session 'nope'"):
        _import(tmp_path, "x", "--session", "nope")
    assert not Conversation.objects.exists()


@needs_opendata
def test_import_closed_is_closed():
    _import(OPENDATA / "london.youth.policing", "ldn", "--closed")
    assert not Conversation.objects.get(slug="ldn").is_open()


def test_export_writes_group_ids_and_new_ids_after_imported_ones(tmp_path):
    conversation = ConversationFactory(slug="mixed")
    imported = StatementFactory(conversation=conversation, external_id=40)
    fresh = StatementFactory(conversation=conversation)
    old = ParticipantFactory(conversation=conversation, xid="polis-9")
    new = ParticipantFactory(conversation=conversation)
    for p in (old, new):
        for s in (imported, fresh):
            services.vote_cast(participant=p, statement_id=s.pk, value=1)
    call_command("export-polis", "mixed", str(tmp_path))
    export = read_polis_export(tmp_path)
    assert {c.id for c in export.comments} == {40, 41}
    assert {(v.participant, v.statement) for v in export.votes} == {
        (9, 40),
        (9, 41),
        (10, 40),
        (10, 41),
    }
    with (tmp_path / "participants-votes.csv").open() as fh:
        assert "group-id" in next(csv.reader(fh))


def _write(folder, name, rows):
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_import_malformed_folder_names_file_and_row_and_imports_nothing(tmp_path):
    _write(
        tmp_path,
        "comments.csv",
        [
            ["timestamp", "comment-id", "author-id", "moderated", "comment-body"],
            ["1", "0", "0", "1", "Fine."],
            ["2", "1", "0", "1", "Fine too."],
        ],
    )
    _write(
        tmp_path,
        "votes.csv",
        [
            ["timestamp", "comment-id", "voter-id", "vote"],
            ["1", "0", "0", "1"],
            ["2", "1", "0", "yes"],
        ],
    )
    with pytest.raises(CommandError, match=r"votes\.csv: row 3: vote must be -1, 0 or 1"):
        _import(tmp_path, "broken")
    assert not Conversation.objects.exists()
    assert not Participant.objects.exists()


def test_import_missing_folder_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        _import(tmp_path / "nope", "broken")


def test_import_into_a_conversation_with_data_imports_nothing(tmp_path):
    StatementFactory(conversation=ConversationFactory(slug="taken"))
    _write(tmp_path, "comments.csv", [["comment-id", "moderated"], ["0", "1"]])
    _write(
        tmp_path,
        "votes.csv",
        [["timestamp", "comment-id", "voter-id", "vote"], ["1", "0", "0", "1"]],
    )
    with pytest.raises(CommandError, match="already has statements"):
        _import(tmp_path, "taken")
    assert Vote.objects.count() == 0


def test_export_unknown_conversation_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no conversation 'nope'"):
        call_command("export-polis", "nope", str(tmp_path))


COMMENTS_CSV = (
    "timestamp,comment-id,author-id,moderated,comment-body\n"
    '1,0,0,1,"More shade in streets."\n'
    '2,1,0,1,"Free clinics, in every district."\n'
)
VOTES_CSV = "timestamp,comment-id,voter-id,vote\n1,0,0,1\n2,1,0,-1\n3,1,1,1\n"


@pytest.mark.parametrize(
    ("comments", "votes", "message"),
    [
        # Cut inside a quoted field: the cut text must not become a statement.
        (
            COMMENTS_CSV + '3,2,1,1,"Close the ring road and',
            VOTES_CSV,
            r"comments\.csv: row 4, column comment-body: the file ends inside a quoted field",
        ),
        # Cut between rows: votes name comments the file no longer lists.
        (
            COMMENTS_CSV.split("\n", 2)[0] + "\n" + COMMENTS_CSV.split("\n", 2)[1] + "\n",
            VOTES_CSV,
            r"votes\.csv: row 3, column comment-id: comment 1 is not in comments\.csv",
        ),
        (None, VOTES_CSV, r"comments\.csv: missing"),
        (
            COMMENTS_CSV.replace("2,1,0,1", "2,99999999999999999999,0,1"),
            VOTES_CSV,
            r"comments\.csv: row 3, column comment-id: '99999999999999999999' is not a Polis id",
        ),
        (
            COMMENTS_CSV,
            VOTES_CSV + "4,1,99999999999999999999,1\n",
            r"votes\.csv: row 5, column voter-id: '99999999999999999999' is not a Polis id",
        ),
        (
            COMMENTS_CSV.replace("More shade", "More\0shade"),
            VOTES_CSV,
            r"comments\.csv: row 2, column comment-body: contains a NUL byte",
        ),
        (
            COMMENTS_CSV,
            VOTES_CSV.replace("3,1,1,1", "3,1,1\0,1"),
            r"votes\.csv: row 4, column voter-id: contains a NUL byte",
        ),
    ],
    ids=[
        "cut-in-quotes",
        "cut-between-rows",
        "no-comments",
        "big-comment-id",
        "big-voter-id",
        "nul-in-text",
        "nul-in-id",
    ],
)
def test_import_bad_export_is_a_command_error_and_imports_nothing(
    tmp_path, comments, votes, message
):
    if comments is not None:
        (tmp_path / "comments.csv").write_text(comments, encoding="utf-8")
    (tmp_path / "votes.csv").write_text(votes, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _import(tmp_path, "broken")
    assert not Conversation.objects.exists()
    assert not Statement.objects.exists() and not Vote.objects.exists()


def test_import_strips_bidi_controls_from_statement_text(tmp_path):
    (tmp_path / "comments.csv").write_text(
        COMMENTS_CSV.replace("More shade", "\u202eMore\u200b shade"), encoding="utf-8"
    )
    (tmp_path / "votes.csv").write_text(VOTES_CSV, encoding="utf-8")
    _import(tmp_path, "clean")
    assert Statement.objects.get(external_id=0).text == "More shade in streets."


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@needs_opendata
def test_import_without_a_terminal_prints_only_the_final_line(capsys):
    out = io.StringIO()
    call_command(
        "import-polis",
        str(OPENDATA / "london.youth.policing"),
        "--conversation",
        "ldn",
        "--no-map",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Imported 'ldn'")
    assert capsys.readouterr().err == ""
    conversation = Conversation.objects.get(slug="ldn")
    export = read_polis_export(OPENDATA / "london.youth.policing")
    assert conversation.votes.count() == export.n_votes


@needs_opendata
def test_import_on_a_terminal_shows_a_progress_bar(capsys):
    call_command(
        "import-polis",
        str(OPENDATA / "london.youth.policing"),
        "--conversation",
        "ldn",
        "--no-map",
        stdout=_Terminal(),
    )
    assert "Writing votes" in capsys.readouterr().err


@needs_opendata
def test_import_keeps_vote_timestamps_and_first_vote_order():
    _import(OPENDATA / "london.youth.policing", "ldn")
    export = read_polis_export(OPENDATA / "london.youth.policing")
    imported_at = ModerationLog.objects.get(
        conversation__slug="ldn", action=ModerationAction.IMPORT
    ).at
    for first in export.votes[:: max(1, len(export.votes) // 50)]:
        vote = Vote.objects.get(
            conversation__slug="ldn",
            participant__xid=f"polis-{first.participant}",
            statement__external_id=first.statement,
        )
        assert vote.value == first.value
        # Polis's time of the vote is its created_at; updated_at is the import's time.
        assert int(vote.created_at.timestamp() * 1000) == first.timestamp
        assert vote.updated_at == import_stamp(imported_at)
    order = list(
        Participant.objects.filter(conversation__slug="ldn")
        .order_by("id")
        .values_list("xid", flat=True)
    )
    assert [_polis_id(x) for x in order[:5]] == export.participant_order()[:5]


def test_import_dates_each_participant_by_their_first_vote_or_statement(tmp_path):
    day = 86_400_000
    start = 1_600_000_000_000  # milliseconds since 1970, as Polis writes them
    _write(
        tmp_path,
        "comments.csv",
        [
            ["timestamp", "comment-id", "author-id", "moderated", "comment-body"],
            [str(start), "0", "0", "1", "More shade at bus stops."],
            [str(start + 3 * day), "1", "2", "1", "Free water fountains."],
        ],
    )
    _write(
        tmp_path,
        "votes.csv",
        [
            ["timestamp", "comment-id", "voter-id", "vote"],
            [str(start + 10_000), "0", "0", "1"],
            [str(start + day), "0", "1", "-1"],
            [str(start + 2 * day), "1", "1", "1"],
            [str(start + 4 * day), "0", "2", "1"],
        ],
    )
    export = read_polis_export(tmp_path)
    first: dict = {}
    for vote in export.votes:
        first[vote.participant] = min(first.get(vote.participant, vote.timestamp), vote.timestamp)
    for comment in export.comments:
        first[comment.author] = min(first.get(comment.author, comment.created), comment.created)
    _import(tmp_path, "dated")
    joined = {
        _polis_id(xid): at
        for xid, at in Participant.objects.filter(conversation__slug="dated").values_list(
            "xid", "created_at"
        )
    }
    # Participant 0 wrote first, 1 voted a day later, 2 wrote on day 3 before voting on day 4.
    assert sorted((at.date() - joined[0].date()).days for at in joined.values()) == [0, 1, 3]
    for pid, at in joined.items():
        assert int(at.timestamp() * 1000) == first[pid]


@pytest.mark.parametrize(
    ("moderated", "message"),
    [
        ("1", "too few participants or votes to tell opinion groups apart yet (1 participants"),
        ("-1", "every voted statement is moderated"),
    ],
)
def test_import_one_participant_or_all_moderated_out_says_why_there_is_no_map(
    tmp_path, moderated, message
):
    _write(
        tmp_path,
        "comments.csv",
        [["comment-id", "moderated"], ["0", moderated], ["1", moderated]],
    )
    _write(
        tmp_path,
        "votes.csv",
        [
            ["timestamp", "comment-id", "voter-id", "vote"],
            ["1", "0", "7", "1"],
            ["2", "1", "7", "-1"],
        ],
    )
    out = io.StringIO()
    call_command("import-polis", str(tmp_path), "--conversation", "lonely", stdout=out)
    assert message in out.getvalue()
    assert Vote.objects.filter(conversation__slug="lonely").count() == 2


def _small_export(folder):
    _write(
        folder,
        "comments.csv",
        [
            ["timestamp", "comment-id", "author-id", "moderated", "comment-body"],
            ["1000", "0", "0", "1", "Buses should run all night."],
            ["2000", "1", "1", "1", "Parks should stay open late."],
        ],
    )
    _write(
        folder,
        "votes.csv",
        [
            ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
            ["1600000000000", "x", "0", "0", "1"],
            ["1600000001000", "x", "1", "0", "-1"],
            ["1600000002000", "x", "0", "1", "0"],
            ["1600000003000", "x", "1", "2", "1"],
        ],
    )
    return folder


def test_import_keeps_polis_time_and_export_writes_it_until_a_vote_changes(tmp_path):
    _import(_small_export(tmp_path / "in"), "times")
    conversation = Conversation.objects.get(slug="times")
    statements = {s.external_id: s for s in conversation.statements.all()}
    voter = Participant.objects.get(conversation=conversation, xid="polis-2")
    services.vote_cast(participant=voter, statement_id=statements[1].pk, value=-1)
    changed = Vote.objects.get(participant=voter)
    call_command("export-polis", "times", str(tmp_path / "out"))
    exported = {
        (v.participant, v.statement): (v.value, v.timestamp)
        for v in read_polis_export(tmp_path / "out").votes
    }
    assert exported[(0, 0)] == (1, 1600000000000)
    assert exported[(0, 1)] == (-1, 1600000001000)
    assert exported[(1, 0)] == (0, 1600000002000)
    # Changed on the platform: the change's time, and still Polis's time as created_at.
    assert exported[(2, 1)] == (-1, int(changed.updated_at.timestamp() * 1000))
    assert int(changed.created_at.timestamp() * 1000) == 1600000003000


def test_import_failing_while_writing_votes_leaves_nothing(tmp_path, monkeypatch):
    from listening.conversations.services import polis_import

    def broken(*args, **kwargs):
        raise services.ConversationError("The disk is full.")

    monkeypatch.setattr(polis_import, "_votes_insert", broken)
    with pytest.raises(CommandError, match=r"The disk is full\. Nothing was imported\."):
        _import(_small_export(tmp_path), "half")
    assert not Conversation.objects.filter(slug="half").exists()
    assert not Participant.objects.exists()
    assert not Statement.objects.exists()


def test_import_on_sqlite_gives_back_the_page_cache_size(tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    connection.ensure_connection()
    before = connection.connection.execute("PRAGMA cache_size").fetchone()[0]
    _import(_small_export(tmp_path), "cache")
    assert Vote.objects.filter(conversation__slug="cache").count() == 4
    assert connection.connection.execute("PRAGMA cache_size").fetchone()[0] == before


def _vote_indexes():
    from django.db import connection

    table = Vote._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            constraints = connection.introspection.get_constraints(cursor, table)
            return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}
        # Django's SQLite introspection cannot parse every index; SQLite's own lists can.
        names = [row[1] for row in cursor.execute(f"PRAGMA index_list('{table}')").fetchall()]
        return {
            tuple(r[2] for r in cursor.execute(f"PRAGMA index_info('{name}')").fetchall())
            for name in names
        }


def test_vote_table_keeps_the_indexes_its_queries_use():
    """Every query on votes is served by one of these four (docs/conversations.md)."""
    indexed = _vote_indexes()
    assert ("participant_id", "statement_id") in indexed
    assert ("conversation_id", "updated_at") in indexed
    assert ("statement_id",) in indexed
    # Redundant, so gone: each is the leading column of one above.
    assert ("participant_id",) not in indexed
    assert ("conversation_id",) not in indexed
    assert ("conversation_id", "statement_id") not in indexed


def test_import_timestamp_after_the_year_9999_is_refused_and_imports_nothing(tmp_path):
    folder = _small_export(tmp_path)
    _write(
        folder,
        "votes.csv",
        [
            ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
            ["1600000000000", "x", "0", "0", "1"],
            ["999999999999999999", "x", "1", "0", "-1"],
        ],
    )
    with pytest.raises(CommandError, match=r"votes\.csv: timestamp 999999999999999999 is after"):
        _import(folder, "future")
    assert not Conversation.objects.filter(slug="future").exists()
    assert not Vote.objects.exists()
