"""The opinion map of a conversation: ``compute_opinions`` and its state and result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from . import clustering, pca, repness
from .bridging import bridging_scores, partition_score
from .clojure_order import hash_map_rank
from .counts import Counts, counts_by_class
from .matrix import Id, VoteMatrix, id_sort_key
from .participation import GREEDY_N, MIN_VOTES, in_conversation

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

STATE_VERSION = 1


@dataclass
class OpinionState:
    """What a run needs from the previous one: who is in, k-smoothing, warm starts."""

    in_conversation: set[Id] = field(default_factory=set)
    k_smoother: clustering.KSmoother = field(default_factory=clustering.KSmoother)
    base_centres: FloatArray | None = None
    group_centres_by_k: dict[int, FloatArray] = field(default_factory=dict)
    components: dict[Id, tuple[float, float]] = field(default_factory=dict)
    runs: int = 0
    # The previous map's group (its letter: 0 = A) of every grouped participant, so that the
    # next map can name its groups after the previous ones they overlap most.
    group_of: dict[Id, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "runs": self.runs,
            "in_conversation": sorted(self.in_conversation, key=id_sort_key),
            "k_smoother": {
                "last_k": self.k_smoother.last_k,
                "last_k_count": self.k_smoother.last_k_count,
                "smoothed_k": self.k_smoother.smoothed_k,
            },
            "base_centres": (
                [] if self.base_centres is None else _round_list(self.base_centres.tolist())
            ),
            "group_centres_by_k": {
                str(k): _round_list(c.tolist()) for k, c in sorted(self.group_centres_by_k.items())
            },
            "components": [
                [sid, float(c[0]), float(c[1])]
                for sid, c in sorted(self.components.items(), key=lambda kv: id_sort_key(kv[0]))
            ],
            "groups": _members_by_group(self.group_of),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OpinionState:
        smoother = data.get("k_smoother") or {}
        base = data.get("base_centres") or []
        return cls(
            in_conversation={_hashable(p) for p in data.get("in_conversation", [])},
            k_smoother=clustering.KSmoother(
                last_k=smoother.get("last_k"),
                last_k_count=int(smoother.get("last_k_count", 0)),
                smoothed_k=smoother.get("smoothed_k"),
            ),
            base_centres=np.asarray(base, dtype=np.float64).reshape(-1, 2) if base else None,
            group_centres_by_k={
                int(k): np.asarray(v, dtype=np.float64).reshape(-1, 2)
                for k, v in (data.get("group_centres_by_k") or {}).items()
            },
            components={
                _hashable(row[0]): (float(row[1]), float(row[2]))
                for row in data.get("components", [])
            },
            runs=int(data.get("runs", 0)),
            group_of={
                _hashable(p): int(g)
                for g, members in (data.get("groups") or {}).items()
                for p in members
            },
        )


def _members_by_group(group_of: Mapping[Id, int]) -> dict[str, list[Id]]:
    members: dict[int, list[Id]] = {}
    for p, g in group_of.items():
        members.setdefault(g, []).append(p)
    return {str(g): sorted(members[g], key=id_sort_key) for g in sorted(members)}


def _hashable(value: Any) -> Id:
    return tuple(value) if isinstance(value, list) else value


def _round_list(rows: list[list[float]]) -> list[list[float]]:
    return [[float(x) for x in row] for row in rows]


@dataclass
class Group:
    id: int
    size: int
    centre: tuple[float, float]
    representative: list[dict[str, Any]]


@dataclass
class OpinionResult:
    participant_ids: list[Id]
    statement_ids: list[Id]
    participant_xy: FloatArray
    participant_group: IntArray  # -1: not grouped
    in_conversation: npt.NDArray[np.bool_]
    base_cluster: IntArray  # -1: not clustered
    base_centres: FloatArray
    statement_xy: FloatArray
    statement_counts: Counts  # one class: everyone
    in_conversation_counts: Counts  # one class: everyone in the conversation
    groups: list[Group]
    group_counts: Counts
    consensus: dict[str, list[dict[str, Any]]]
    group_informed_consensus: FloatArray
    bridging: FloatArray
    attribute_classes: dict[str, list[str]]
    attribute_counts: dict[str, Counts]
    explained_variance: FloatArray
    silhouettes: dict[int, float]
    state: OpinionState
    timings: dict[str, float] = field(default_factory=dict)

    def group_of(self, participant: Id) -> int | None:
        i = self.participant_ids.index(participant)
        g = int(self.participant_group[i])
        return None if g < 0 else g

    def to_json(self, *, include_timings: bool = False) -> dict[str, Any]:
        """The CLI's JSON shape; ``timings`` only if asked (they differ run to run)."""
        sid = [str(s) for s in self.statement_ids]
        participants: dict[str, Any] = {}
        xy = self.participant_xy
        for i, p in enumerate(self.participant_ids):
            g = int(self.participant_group[i])
            participants[str(p)] = {
                "x": _f(xy[i, 0]),
                "y": _f(xy[i, 1]),
                "group": None if g < 0 else g,
                "in_conversation": bool(self.in_conversation[i]),
            }
        groups: dict[str, Any] = {}
        for grp in self.groups:
            groups[str(grp.id)] = {
                "size": grp.size,
                "center": [_f(grp.centre[0]), _f(grp.centre[1])],
                "representative": [self._statement_item(r) for r in grp.representative],
                "votes": {sid[j]: self.group_counts.row(grp.id, j) for j in range(len(sid))},
            }
        statements: dict[str, Any] = {}
        for j, s in enumerate(sid):
            row = self.statement_counts.row(0, j)
            statements[s] = {
                "x": _f(self.statement_xy[j, 0]),
                "y": _f(self.statement_xy[j, 1]),
                "bridging": _f(self.bridging[j]),
                "group_informed_consensus": _f(self.group_informed_consensus[j]),
                **row,
            }
        attributes: dict[str, Any] = {}
        for name, classes in self.attribute_classes.items():
            counts = self.attribute_counts[name]
            attributes[name] = {
                cls: {sid[j]: counts.row(c, j) for j in range(len(sid))}
                for c, cls in enumerate(classes)
            }
            for j, s in enumerate(sid):
                statements[s].setdefault("bridging_by", {})[name] = _f(
                    partition_score(
                        Counts(
                            counts.agree[:, j : j + 1],
                            counts.disagree[:, j : j + 1],
                            counts.seen[:, j : j + 1],
                        )
                    )[0]
                )
        out: dict[str, Any] = {
            "participants": participants,
            "groups": groups,
            "consensus": {
                k: [self._statement_item(item) for item in v] for k, v in self.consensus.items()
            },
            "statements": statements,
            "attributes": attributes,
            "pca": {"explained_variance": [_f(v) for v in self.explained_variance]},
            "silhouettes": {str(k): _f(v) for k, v in sorted(self.silhouettes.items())},
            "n_in_conversation": int(self.in_conversation.sum()),
        }
        if include_timings and self.timings:
            out["timings"] = {k: round(v, 6) for k, v in self.timings.items()}
        return out

    def _statement_item(self, item: Mapping[str, Any]) -> dict[str, Any]:
        out = {"statement": _json_id(self.statement_ids[int(item["index"])])}
        out.update({k: _jsonable(v) for k, v in item.items() if k != "index"})
        return out


def _f(x: Any) -> float:
    v = float(x)
    return v if math.isfinite(v) else 0.0


def _jsonable(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        return _f(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def _json_id(v: Id) -> Any:
    return v if isinstance(v, (int, str)) else str(v)


def canonical_rank(ids: list[Id]) -> IntArray:
    """Each id's position when ids are sorted (numbers numerically, then strings)."""
    n = len(ids)
    order: IntArray
    try:
        arr = np.asarray(ids)
        if arr.dtype.kind in "iu" and arr.shape == (n,):
            order = np.argsort(arr, kind="stable").astype(np.int64)
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError):
        order = np.asarray(
            sorted(range(n), key=lambda i: id_sort_key(ids[i])), dtype=np.int64
        ).reshape(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


Progress = Callable[[str], None]

# "polis": Polis's own computation (participants in vote-arrival order, power-iteration PCA,
# one first-distinct start per k). "listening": exact components, participants in id order,
# cold group starts chosen among 31 (docs/analysis.md, "The `listening` method").
METHODS = ("polis", "listening")
DEFAULT_METHOD = "polis"


def arrival_rank(ids: list[Id], order: Sequence[Id]) -> IntArray:
    """Each id's position in ``order`` (the order participants first voted in); ids not in
    ``order`` come after it, in id order."""
    n = len(ids)
    position = {p: i for i, p in enumerate(order)}
    canonical = canonical_rank(ids)
    key = np.array(
        [position.get(p, len(position) + int(canonical[i])) for i, p in enumerate(ids)],
        dtype=np.int64,
    ).reshape(n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(key, kind="stable")] = np.arange(n)
    return rank


def match_group_labels(
    groups: IntArray,
    participant_ids: list[Id],
    members: IntArray,
    k: int,
    previous: Mapping[Id, int],
) -> IntArray:
    """The label (letter: 0 = A) of each of the ``k`` new groups: the assignment of new groups
    to the previous map's labels with the largest total overlap of members (Hungarian
    method); a new group that overlaps no previous label below ``k`` takes the lowest free
    one. ``groups[i]`` is the new group of participant ``participant_ids[members[i]]``."""
    label = np.arange(k, dtype=np.int64)
    if not previous or k == 0:
        return label
    old = np.fromiter(
        (previous.get(participant_ids[i], -1) for i in members.tolist()),
        dtype=np.int64,
        count=len(members),
    )
    seen = (old >= 0) & (old < k)
    if not seen.any():
        return label
    overlap = np.zeros((k, k), dtype=np.int64)
    np.add.at(overlap, (groups[seen], old[seen]), 1)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    label[:] = -1
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if overlap[r, c] > 0:
            label[r] = c
    free = iter(sorted(set(range(k)) - set(label.tolist())))
    for g in range(k):
        if label[g] < 0:
            label[g] = next(free)
    return label


def compute_opinions(
    matrix: VoteMatrix,
    *,
    state: OpinionState | None = None,
    seed: int = 0,
    attributes: Mapping[str, Mapping[Hashable, str]] | None = None,
    moderated_out: Collection[Hashable] = (),
    progress: Progress | None = None,
    method: str = DEFAULT_METHOD,
    participant_order: Sequence[Id] | None = None,
) -> OpinionResult:
    """Compute the opinion map of a conversation from its vote matrix.

    ``state`` is the previous run's ``result.state`` (or None for a first run). ``attributes``
    maps an attribute name (e.g. ``"constituency"``) to {participant id: value}; bridging is
    then also measured across its values.

    ``moderated_out`` names statements of ``matrix`` that were moderated out. They are left
    out of every result, but treated as Polis treats them (conversation.clj, ``:mod-out``):
    votes on them still count towards being in the conversation, and their columns stay in
    the PCA as all-zero columns, which counts them in the ``sqrt(n_statements / n_votes)``
    projection scale of every participant.

    ``method`` is one of ``METHODS``. With ``"polis"``, ``participant_order`` is the order in
    which participants first voted (Polis's rating-matrix rows): it breaks ties in who enters
    the conversation and decides the base clusters' and groups' starting points. Without it
    (and always with ``"listening"``) participants are taken in id order.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: expected one of {', '.join(METHODS)}")
    polis = method == "polis"
    timings: dict[str, float] = {}
    state = state or OpinionState()
    all_counts = matrix.row_counts()
    m_all = matrix.shape[1]
    if moderated_out:
        out = set(moderated_out)
        keep = np.array([s not in out for s in matrix.statement_ids], dtype=bool)
        if not keep.all():
            matrix = matrix.select_statements(keep)
    hidden_statements = m_all - matrix.shape[1]
    n, m = matrix.shape
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now
        if progress is not None:
            progress(stage)

    # Participation ----------------------------------------------------------------------
    if polis and participant_order is not None:
        rank = arrival_rank(matrix.participant_ids, participant_order)
    else:
        rank = canonical_rank(matrix.participant_ids)
    previously = None
    if state.in_conversation:
        pindex = matrix.participant_index()
        previously = np.zeros(n, dtype=bool)
        for p in state.in_conversation:
            i = pindex.get(p)
            if i is not None:
                previously[i] = True
    topup_rank = rank
    if polis and n > 8:
        qualified = (all_counts >= min(MIN_VOTES, m_all)) & (all_counts > 0)
        if previously is not None:
            qualified |= previously
        if int(qualified.sum()) < GREEDY_N:
            # Polis tops up from its vote-count map: ties in Clojure's hash-map order.
            by_arrival = np.argsort(rank, kind="stable")
            hashed = hash_map_rank([matrix.participant_ids[i] for i in by_arrival.tolist()])
            if hashed is not None:
                topup_rank = np.empty(n, dtype=np.int64)
                topup_rank[by_arrival] = hashed
    in_conv = in_conversation(all_counts, m_all, previously_in=previously, rank=topup_rank)
    lap("participation")

    # PCA --------------------------------------------------------------------------------
    previous_components = None
    if state.components:
        previous_components = np.zeros((2, m))
        for j, s in enumerate(matrix.statement_ids):
            c = state.components.get(s)
            if c is not None:
                previous_components[:, j] = c
        if not np.any(previous_components):
            previous_components = None
    large = matrix.n_votes > 5_000_000
    proj = pca.project(
        matrix.votes,
        seed=seed,
        previous_components=previous_components,
        n_statements_for_scaling=m + hidden_statements,
        extra_votes_per_participant=hidden_statements,
        dtype=np.float32 if large else np.float64,
        power_iteration=polis,
    )
    lap("pca")

    # Base clusters, in canonical participant order ---------------------------------------
    members = np.flatnonzero(in_conv)
    members = members[np.argsort(rank[members], kind="stable")]
    points = proj.participants[members]
    base = clustering.base_clusters(
        points, previous_centres=state.base_centres, seed=seed, exact=polis
    )
    base_cluster = np.full(n, -1, dtype=np.int64)
    base_cluster[members] = base.labels
    lap("base_clusters")

    # Opinion groups ---------------------------------------------------------------------
    groups_fit = clustering.group_clusters(
        base,
        previous_by_k=state.group_centres_by_k,
        smoother=state.k_smoother,
        seed=seed,
        polis=polis,
    )
    participant_group = np.full(n, -1, dtype=np.int64)
    n_groups = groups_fit.k if len(members) else 0
    group_centres = groups_fit.centres
    if len(members):
        label = match_group_labels(
            groups_fit.base_labels[base.labels],
            matrix.participant_ids,
            members,
            n_groups,
            state.group_of,
        )
        participant_group[members] = label[groups_fit.base_labels[base.labels]]
        group_centres = np.zeros_like(groups_fit.centres)
        group_centres[label] = groups_fit.centres
    lap("groups")

    # Counts -----------------------------------------------------------------------------
    everyone = counts_by_class(matrix, np.zeros(n, dtype=np.int64), 1)
    conv_counts = counts_by_class(matrix, np.where(in_conv, 0, -1), 1)
    group_counts = counts_by_class(matrix, participant_group, n_groups)
    lap("counts")

    # Representative statements and consensus --------------------------------------------
    rep = (
        repness.representative(group_counts.agree, group_counts.disagree, group_counts.seen)
        if n_groups >= 2
        else [[] for _ in range(n_groups)]
    )
    # Polis's consensus (conversation.clj ``:consensus``) reads the whole rating matrix.
    cons_counts = everyone if polis else conv_counts
    cons = repness.consensus(cons_counts.agree[0], cons_counts.disagree[0], cons_counts.seen[0])
    gic = repness.group_informed_consensus(group_counts.agree, group_counts.seen)
    sizes = np.bincount(participant_group[participant_group >= 0], minlength=n_groups)
    groups = [
        Group(
            id=g,
            size=int(sizes[g]),
            centre=(float(group_centres[g, 0]), float(group_centres[g, 1])),
            representative=rep[g],
        )
        for g in range(n_groups)
    ]
    lap("repness")

    # Bridging ---------------------------------------------------------------------------
    partitions: list[Counts] = [group_counts] if n_groups >= 2 else []
    attribute_classes: dict[str, list[str]] = {}
    attribute_counts: dict[str, Counts] = {}
    if attributes:
        pindex = matrix.participant_index()
        for name, mapping in attributes.items():
            classes = sorted({str(v) for v in mapping.values()})
            cindex = {c: i for i, c in enumerate(classes)}
            labels = np.full(n, -1, dtype=np.int64)
            for p, value in mapping.items():
                i = pindex.get(p)
                if i is not None:
                    labels[i] = cindex[str(value)]
            ac = counts_by_class(matrix, labels, len(classes))
            attribute_classes[name] = classes
            attribute_counts[name] = ac
            if len(classes) >= 1:
                partitions.append(ac)
    if not partitions:
        partitions = [conv_counts]
    bridging = bridging_scores(partitions, m)
    lap("bridging")

    new_state = OpinionState(
        in_conversation={matrix.participant_ids[i] for i in np.flatnonzero(in_conv)},
        k_smoother=groups_fit.smoother,
        base_centres=base.centres,
        group_centres_by_k=groups_fit.centres_by_k,
        components={
            s: (float(proj.components[0, j]), float(proj.components[1, j]))
            for j, s in enumerate(matrix.statement_ids)
        },
        runs=state.runs + 1,
        group_of={
            matrix.participant_ids[i]: int(participant_group[i])
            for i in np.flatnonzero(participant_group >= 0).tolist()
        },
    )
    return OpinionResult(
        participant_ids=matrix.participant_ids,
        statement_ids=matrix.statement_ids,
        participant_xy=proj.participants,
        participant_group=participant_group,
        in_conversation=in_conv,
        base_cluster=base_cluster,
        base_centres=base.centres,
        statement_xy=proj.statements,
        statement_counts=everyone,
        in_conversation_counts=conv_counts,
        groups=groups,
        group_counts=group_counts,
        consensus=cons,
        group_informed_consensus=gic,
        bridging=bridging,
        attribute_classes=attribute_classes,
        attribute_counts=attribute_counts,
        explained_variance=proj.explained_variance,
        silhouettes=groups_fit.silhouettes,
        state=new_state,
        timings=timings,
    )
