"""listening.analysis never touches Django: run its tests with or without pytest-django."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from listening.analysis import VoteMatrix


@pytest.fixture(autouse=True)
def _media_root() -> Iterator[None]:
    # Overrides the project-wide autouse fixture, which needs Django settings.
    return


def opendata_root() -> Path | None:
    env = os.environ.get("POLIS_OPENDATA")
    root = (
        Path(env)
        if env
        else Path(__file__).resolve().parents[2] / ".." / "shared" / "polis-opendata"
    )
    return root if root.is_dir() else None


def polis_cold_root() -> Path | None:
    """Polis's cold-start references: one folder per conversation with ``votes.csv`` and
    ``groups.json`` (and optionally ``repness.json``)."""
    env = os.environ.get("POLIS_COLD")
    root = (
        Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "polis-cold"
    )
    return root if root.is_dir() else None


def two_camps(
    per_camp: int = 20,
    n_split: int = 10,
    *,
    consensus: int = 1,
    one_sided: int = 1,
    seed: int = 0,
    noise: float = 0.0,
) -> VoteMatrix:
    """Camp A agrees with the first ``n_split`` statements and disagrees with the next
    ``n_split``; camp B the reverse. Then ``consensus`` statements everyone agrees with, and
    ``one_sided`` statements that only camp A agrees with (camp B disagrees).

    Participants are "a0".. and "b0".., statements 0... Everyone sees everything.
    """
    rng = np.random.default_rng(seed)
    pids: list[str] = []
    sids: list[int] = []
    vals: list[int] = []
    m_split = 2 * n_split
    for camp in ("a", "b"):
        sign = 1 if camp == "a" else -1
        for i in range(per_camp):
            pid = f"{camp}{i}"
            for j in range(m_split):
                v = sign if j < n_split else -sign
                if noise and rng.random() < noise:
                    v = -v
                pids.append(pid)
                sids.append(j)
                vals.append(v)
            for c in range(consensus):
                pids.append(pid)
                sids.append(m_split + c)
                vals.append(1)
            for c in range(one_sided):
                pids.append(pid)
                sids.append(m_split + consensus + c)
                vals.append(1 if camp == "a" else -1)
    return VoteMatrix.from_votes(pids, sids, vals)
