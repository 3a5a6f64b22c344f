"""Representative statements, consensus and group-informed consensus (Polis's repness.clj).

Everything here works on vote *counts* per (group, statement), so it costs O(groups x
statements) whatever the number of participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Z_90 = 1.2816  # one-sided 90 % (Polis's z-sig-90?)
MAX_REPRESENTATIVE = 5
MAX_CONSENSUS = 5


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Polis's one-proportion z-test against 1/2, with +1 smoothing."""
    s = successes + 1.0
    n = trials + 1.0
    return np.asarray(2.0 * np.sqrt(n) * (s / n - 0.5))


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Polis's two-proportion z-test (group vs the rest), with +1 smoothing."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    p1 = s1 / n1
    p2 = s2 / n2
    pi = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pi * (1.0 - pi) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(pi >= 1.0, 0.0, (p1 - p2) / np.where(denom > 0, denom, 1.0))
    return np.asarray(z)


@dataclass(frozen=True)
class GroupStats:
    """Per (group, statement) statistics, arrays of shape (n_groups, n_statements)."""

    na: FloatArray
    nd: FloatArray
    ns: FloatArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def group_stats(agree: IntArray, disagree: IntArray, seen: IntArray) -> GroupStats:
    na = agree.astype(np.float64)
    nd = disagree.astype(np.float64)
    ns = seen.astype(np.float64)
    na_rest = na.sum(axis=0, keepdims=True) - na
    nd_rest = nd.sum(axis=0, keepdims=True) - nd
    ns_rest = ns.sum(axis=0, keepdims=True) - ns
    pa = (1.0 + na) / (2.0 + ns)
    pd = (1.0 + nd) / (2.0 + ns)
    return GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((1.0 + na_rest) / (2.0 + ns_rest)),
        rd=pd / ((1.0 + nd_rest) / (2.0 + ns_rest)),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


def _finalize(st: GroupStats, g: int, j: int) -> dict[str, Any]:
    if st.rat[g, j] > st.rdt[g, j]:
        direction, n_s, p_s, p_t, rep, rep_t = (
            "agree",
            st.na[g, j],
            st.pa[g, j],
            st.pat[g, j],
            st.ra[g, j],
            st.rat[g, j],
        )
    else:
        direction, n_s, p_s, p_t, rep, rep_t = (
            "disagree",
            st.nd[g, j],
            st.pd[g, j],
            st.pdt[g, j],
            st.rd[g, j],
            st.rdt[g, j],
        )
    return {
        "index": j,
        "direction": direction,
        "n_success": int(n_s),
        "n_trials": int(st.ns[g, j]),
        "p_success": float(p_s),
        "p_test": float(p_t),
        "repness": float(rep),
        "repness_test": float(rep_t),
    }


def _metric(item: dict[str, Any]) -> float:
    return float(item["repness"] * item["repness_test"] * item["p_success"] * item["p_test"])


def representative(
    agree: IntArray,
    disagree: IntArray,
    seen: IntArray,
    *,
    max_per_group: int = MAX_REPRESENTATIVE,
) -> list[list[dict[str, Any]]]:
    """Polis's ``select-rep-comments``: per group, a list of representative statements.

    Each item has ``index`` (statement column), ``direction`` and Polis's statistics. The
    best-agree statement (if any) is put first and flagged ``best_agree``.
    """
    st = group_stats(agree, disagree, seen)
    n_groups, m = agree.shape
    out: list[list[dict[str, Any]]] = []
    passes = ((st.rat > Z_90) & (st.pat > Z_90)) | ((st.rdt > Z_90) & (st.pdt > Z_90))
    for g in range(n_groups):
        sufficient = [_finalize(st, g, int(j)) for j in np.flatnonzero(passes[g])]
        best_agree = _best_agree(st, g, m)
        head: list[dict[str, Any]] = []
        if best_agree is not None:
            item = _finalize(st, g, best_agree)
            item["n_agree"] = int(st.na[g, best_agree])
            item["best_agree"] = True
            head = [item]
        if not sufficient:
            if head:
                out.append(head)
                continue
            best_test = np.maximum(st.rat[g], st.rdt[g])
            out.append([_finalize(st, g, int(np.argmax(best_test)))] if m else [])
            continue
        rest = [s for s in sufficient if best_agree is None or s["index"] != best_agree]
        rest.sort(key=_metric, reverse=True)
        chosen = (head + rest)[:max_per_group]
        chosen = [c for c in chosen if c["direction"] == "agree"] + [
            c for c in chosen if c["direction"] != "agree"
        ]
        out.append(chosen)
    return out


def _best_agree(st: GroupStats, g: int, m: int) -> int | None:
    """Polis's ``beats-best-agr?`` fold over statements in order."""
    best: int | None = None
    na, nd, ra, rat, pa, pat = st.na[g], st.nd[g], st.ra[g], st.rat[g], st.pa[g], st.pat[g]
    for j in np.flatnonzero((na > 0) | (nd > 0)):
        if best is not None and ra[best] > 1.0:
            better = ra[j] * rat[j] * pa[j] * pat[j] > ra[best] * rat[best] * pa[best] * pat[best]
        elif best is not None:
            better = pa[j] * pat[j] > pa[best] * pat[best]
        else:
            better = bool(pat[j] > Z_90 or (ra[j] > 1.0 and pa[j] > 0.5))
        if better:
            best = int(j)
    return best


def consensus(
    agree: IntArray, disagree: IntArray, seen: IntArray, *, limit: int = MAX_CONSENSUS
) -> dict[str, list[dict[str, Any]]]:
    """Polis's ``select-consensus-comments`` over one population (everyone in conversation)."""
    na = agree.astype(np.float64)
    nd = disagree.astype(np.float64)
    ns = seen.astype(np.float64)
    result: dict[str, list[dict[str, Any]]] = {}
    for direction, n_s in (("agree", na), ("disagree", nd)):
        p = (1.0 + n_s) / (2.0 + ns)
        t = prop_test(n_s, ns)
        ok = np.flatnonzero((p > 0.5) & (t > Z_90))
        order = ok[np.argsort(-(p[ok] * t[ok]), kind="stable")][:limit]
        result[direction] = [
            {
                "index": int(j),
                "n_success": int(n_s[j]),
                "n_trials": int(ns[j]),
                "p_success": float(p[j]),
                "p_test": float(t[j]),
            }
            for j in order
        ]
    return result


def group_informed_consensus(agree: IntArray, seen: IntArray) -> FloatArray:
    """Product over groups of (agree + 1) / (seen + 2), per statement (Polis's
    ``group-aware-consensus``)."""
    if agree.shape[0] == 0:
        return np.zeros(agree.shape[1])
    p = (agree.astype(np.float64) + 1.0) / (seen.astype(np.float64) + 2.0)
    return np.asarray(np.prod(p, axis=0))
