"""Full-text search on voices: an FTS5 index on SQLite, a GIN index on PostgreSQL.

The SQLite index is an external-content FTS5 table kept in sync by triggers; the
`unicode61 remove_diacritics 2` tokenizer lets "economia" find "economía". On PostgreSQL the
index matches the expression voices.selectors.voice_search queries (the 'simple' configuration,
no stemming, since voices are in several languages). Other databases get nothing.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS voices_voice_fts USING fts5(
        text, content='voices_voice', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS voices_voice_fts_insert AFTER INSERT ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS voices_voice_fts_delete AFTER DELETE ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(voices_voice_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS voices_voice_fts_update AFTER UPDATE OF text ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(voices_voice_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO voices_voice_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO voices_voice_fts(voices_voice_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS voices_voice_fts_insert",
    "DROP TRIGGER IF EXISTS voices_voice_fts_delete",
    "DROP TRIGGER IF EXISTS voices_voice_fts_update",
    "DROP TABLE IF EXISTS voices_voice_fts",
]
POSTGRESQL_FORWARDS = [
    """CREATE INDEX IF NOT EXISTS voices_voice_text_search ON voices_voice
        USING GIN (to_tsvector('simple'::regconfig, COALESCE("text", '')))""",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS voices_voice_text_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("voices", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        ),
    ]
