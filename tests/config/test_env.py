import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from listening.config.env import database_from_url, env_bool, env_int
from listening.config.security import DEFAULT_SECRET_KEY, ensure_safe_to_serve


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "not a url", "postgresql://user@host:notaport/db", "postgresql://host"],
)
def test_database_from_url_malformed_names_the_setting(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_database_from_url_sqlite_uses_wal(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/db.sqlite3")
    assert config["NAME"] == f"{tmp_path}/db.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_database_from_url_postgresql():
    config = database_from_url("postgresql://u:p@localhost:5433/listening")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["PORT"]) == ("listening", 5433)


def test_env_bool_and_int_reject_garbage(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='perhaps' is not a boolean"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT='eighty' is not a whole number"):
        env_int("PORT", 8000)


def test_serving_with_default_secret_and_debug_off_is_refused(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = DEFAULT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        ensure_safe_to_serve()
    settings.DEBUG = True
    ensure_safe_to_serve()


def _listening(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "listening.manage", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_command_malformed_database_url_exits_with_message(tmp_path):
    env = {"DATABASE_URL": "mysql://nope", "DATA_DIR": str(tmp_path), "PATH": "/usr/bin"}
    result = _listening("check", env=env)
    assert result.returncode == 2
    assert "configuration error: DATABASE_URL='mysql://nope' is not understood" in result.stderr


def test_command_wsgi_refuses_default_secret_key(tmp_path):
    env = {"DATA_DIR": str(tmp_path), "PATH": "/usr/bin", "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import listening.config.wsgi"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr
