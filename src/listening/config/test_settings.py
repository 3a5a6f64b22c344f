"""Settings for the test suite: the real settings, with a throwaway secret and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 40)
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-tests-"))

from listening.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production: WAL and the busy timeout apply, so tests that write from
    # several threads wait for the lock instead of failing as in-memory shared cache does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
OPENDATA_JOBS = "off"  # tests publish open data themselves (dataio.services.opendata_publish)
