"""Publishing a programme's open data: the public export built once into ``DATA_DIR`` and
served as stored files by ``/open-data/`` (docs/data-formats.md, "When the files are built").

Only the ``public`` audience is ever written there. A build goes into a temporary folder, is
renamed into place and then named by the ``current`` pointer (replaced atomically), so a
reader sees the previous whole build or the new whole build, never half of one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from listening.dataio import selectors
from listening.dataio.opendata import build, opendata_paths, published_programmes
from listening.programmes.models import Programme

log = logging.getLogger(__name__)

KEPT_BUILDS = 2  # the current one and the one before (a download may still be reading it)
PUBLISH_ATTEMPTS = 3
WITHDRAWN = ".withdrawn"  # when something in the stored files stopped being public


class PublishBusyError(RuntimeError):
    """Another process is building this programme's open data right now."""


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build of a programme at a time across processes (released if the process dies)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishBusyError(
                "The open data of this programme is being built by another process."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def opendata_unpublish(*, programme: Programme) -> bool:
    """Remove the programme's stored open data; True when there was some."""
    folder = selectors.opendata_folder(programme)
    if not folder.exists():
        return False
    (folder / selectors.POINTER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    return True


def opendata_withdraw(*, programme: Programme) -> bool:
    """Stop serving the programme's stored open data now (``withdrawals``): remove its
    ``current`` pointer and mark when, so a build that started earlier is not put in place.
    False when the programme has no stored open data (nothing to withdraw or rebuild)."""
    folder = selectors.opendata_folder(programme)
    if not folder.is_dir():
        return False
    marker = folder / WITHDRAWN
    marker.write_text(repr(time.time()), encoding="utf-8")
    (folder / selectors.POINTER).unlink(missing_ok=True)
    return True


def _withdrawn_since(folder: Path, started: float) -> bool:
    try:
        return float((folder / WITHDRAWN).read_text(encoding="utf-8")) >= started
    except (OSError, ValueError):
        return False


def opendata_publish(*, programme: Programme) -> selectors.PublishedBuild | None:
    """Build the programme's public open data into ``DATA_DIR/open-data/<slug>/`` and make it
    the one served. A programme that is not published (no session) has its stored files
    removed instead, and None is returned. Raises PublishBusyError when another process is
    building it. Something withdrawn while it was building (``opendata_withdraw``) makes it
    build again (at most ``PUBLISH_ATTEMPTS`` times; then nothing is served until the next
    build)."""
    if not published_programmes().filter(pk=programme.pk).exists():
        opendata_unpublish(programme=programme)
        return None
    folder = selectors.opendata_folder(programme)
    with _locked(folder):
        for _attempt in range(PUBLISH_ATTEMPTS):
            started_clock = time.time()
            name = _build_into(programme, folder)
            if _withdrawn_since(folder, started_clock):
                shutil.rmtree(folder / name, ignore_errors=True)
                continue
            pointer = folder / f".{selectors.POINTER}-{name}"
            pointer.write_text(name, encoding="utf-8")
            os.replace(pointer, folder / selectors.POINTER)
            _prune(folder, keep=name)
            built = selectors.opendata_build(programme)
            if built is not None:  # page views compare with what was just built
                cache.set(
                    selectors.fingerprint_cache_key(programme),
                    built.fingerprint,
                    selectors.FINGERPRINT_SECONDS,
                )
            return built
    return None


def _build_into(programme: Programme, folder: Path) -> str:
    """Build every public file, the ZIP and ``build.json`` into a new folder of ``folder``
    (renamed into place whole); its name."""
    # The fingerprint is taken before reading: a change made during the build makes the
    # build stale at once, so it is built again rather than missed.
    fingerprint = selectors.opendata_fingerprint(programme)
    started = timezone.now()
    built_at = started.replace(microsecond=0)  # HTTP dates have seconds
    files = build(programme, "public")
    # Sorted by name is sorted by time (_prune keeps the newest).
    name = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]
    temporary = folder / f".tmp-{name}"
    temporary.mkdir()
    try:
        meta_files = {}
        with zipfile.ZipFile(temporary / selectors.ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as zf:
            order = {p: i for i, p in enumerate(opendata_paths(programme))}
            for path in sorted(files, key=lambda p: order.get(p, len(order))):
                content = files[path]
                target = temporary / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                zf.writestr(f"{programme.slug}/{path}", content)
                meta_files[path] = {
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
        meta = {
            "programme_id": programme.pk,
            "programme": programme.slug,
            "audience": "public",
            "built_at": built_at.astimezone(dt.UTC).isoformat(),
            "fingerprint": fingerprint,
            "files": meta_files,
            "zip": {
                "size": (temporary / selectors.ZIP_NAME).stat().st_size,
                "sha256": _digest(temporary / selectors.ZIP_NAME),
            },
        }
        (temporary / selectors.METADATA).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        os.rename(temporary, folder / name)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return name


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _prune(folder: Path, *, keep: str) -> None:
    """Delete all but the newest KEPT_BUILDS builds (and leftovers of interrupted ones)."""
    builds = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    old = [p for p in builds if p.name != keep][: max(0, len(builds) - KEPT_BUILDS)]
    old += [p for p in folder.iterdir() if p.name.startswith(".tmp-")]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def opendata_publish_stale(*, force: bool = False) -> list[tuple[Programme, str]]:
    """Publish every published programme whose stored build is missing or older than its
    data (every one with ``force``), and remove the files of programmes no longer published.
    Returns (programme, what happened) pairs."""
    done: list[tuple[Programme, str]] = []
    published = list(published_programmes())
    for programme in published:
        if not force and not selectors.opendata_is_stale(
            programme, selectors.opendata_build(programme)
        ):
            done.append((programme, "up to date"))
            continue
        try:
            opendata_publish(programme=programme)
        except PublishBusyError:
            done.append((programme, "being built by another process"))
            continue
        done.append((programme, "published"))
    known = {p.slug for p in published}
    root = selectors.opendata_root()
    if root.is_dir():
        for folder in root.iterdir():
            if folder.is_dir() and folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)
    return done


def opendata_publish_logged(programme_id: int) -> None:
    """The background job's body: publish by id, never raise."""
    from listening.dataio.withdrawals import withdrawn_key

    cache.delete(withdrawn_key(programme_id))  # a withdrawal from now on asks again
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    try:
        opendata_publish(programme=programme)
    except PublishBusyError:
        pass
    except Exception:
        log.exception("publishing the open data of programme %s failed", programme_id)


def opendata_schedule(*, programme: Programme, now: bool = False) -> bool:
    """Ask for the programme's open data to be built again soon, outside the caller's request:
    ``OPENDATA_JOBS`` picks the in-process worker thread ("thread"), Celery ("celery"), right
    now in the caller ("sync": the command line, tests) or nothing ("off": cron runs
    ``listening export-data --publish``). ``now``: an organiser asked (no debounce). True
    when a build was asked for."""
    mode = settings.OPENDATA_JOBS
    if mode == "off":
        return False
    # Page views of a stale programme ask at most once per OPENDATA_RETRY_SECONDS: a busy
    # conversation (a vote changes the fingerprint) rebuilds every few minutes, not always.
    if (
        mode != "sync"
        and not now
        and not cache.add(
            f"opendata:scheduled:{programme.pk}", 1, timeout=settings.OPENDATA_RETRY_SECONDS
        )
    ):
        return False
    if mode == "sync":
        opendata_publish_logged(programme.pk)
    elif mode == "celery":
        from listening.dataio.tasks import opendata_publish_task

        programme_id = programme.pk
        transaction.on_commit(lambda: opendata_publish_task.delay(programme_id))
    else:
        from listening.conversations.jobs import worker

        programme_id = programme.pk
        transaction.on_commit(
            lambda: worker.schedule(
                ("opendata", programme_id),
                lambda: opendata_publish_logged(programme_id),
                delay=0 if now else settings.OPENDATA_DEBOUNCE_SECONDS,
            )
        )
    return True
