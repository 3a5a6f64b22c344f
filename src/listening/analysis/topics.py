"""Themes from text: group short texts (voices, statements) into k themes.

Pure: numpy, scipy, scikit-learn, ``snowballstemmer`` and ``stop-words``; never Django.

The default method (``"lsa"``) needs no service and no download and is deterministic for a
seed:

1. per language, tokens are lower-cased words of two letters or more, stop words (the
   ``stop-words`` package's list, plus scikit-learn's for English) are dropped and the rest
   are Snowball-stemmed; each text becomes its stems and the bigrams of its stems;
2. sublinear TF-IDF of those terms (a term must appear in two texts, and in at most half);
3. LSA (truncated SVD), rows L2-normalised;
4. a consensus of ten partitions: each is k-means (one seeded start) in the LSA space refined
   by 30 rounds of expectation-maximisation of a multinomial mixture (naive Bayes, add-one
   smoothing) on the texts' terms — each theme gets its own word distribution, which pulls
   texts that share the theme's rarer words together. Two texts that the ten partitions put
   together often belong together: average-linkage clustering of that co-association (on a
   seeded sample of at most 5,000 texts) gives k groups;
5. 30 more EM rounds on every text, started from those groups. A theme may empty out, and
   one left with under 1% of the texts is dissolved into the themes that fit its texts best,
   so fewer than k themes can come back.

Keywords are the terms most over-represented in a theme (shown in their most common spelling
in the texts, not as stems), the label is the first three, and the examples are the texts
nearest the theme's centre. See docs/analysis.md ("Themes from text").

``method="semantic"`` groups sentence vectors instead (``_semantic``): by default those of the
optional extra ``semantic`` (``listening.analysis.embeddings``, imported only then).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import snowballstemmer
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from stop_words import get_stop_words

Language = Literal["en", "fr", "es"]
Method = Literal["lsa", "semantic"]
LANGUAGES: dict[str, str] = {"en": "english", "fr": "french", "es": "spanish"}
MAX_K = 50
LSA_DIMENSIONS = 100
EM_ROUNDS = 30
EM_SMOOTHING = 1.0
KMEANS_STARTS = 10
# Partitions pooled by the consensus, and the most texts their co-association is built on.
CONSENSUS_RUNS = 10
CONSENSUS_SAMPLE = 5_000
SMALL = 200  # below this many texts, no LSA
# Above this many texts, the reduction and k-means are fitted on a seeded sample of this size
# and applied to every text; the EM rounds then use every text.
FIT_SAMPLE = 10_000
# method="semantic": weight of the sentence vectors against the words, and EM rounds.
SEMANTIC_KAPPA = 10.0
SEMANTIC_ROUNDS = 10

_WORD = re.compile(r"(?u)\b[^\W\d_][^\W_]+\b")


class TopicsError(ValueError):
    """Input that cannot be grouped (too few texts, unknown language, ...)."""


@dataclass
class Theme:
    id: int
    label: str
    keywords: list[str]
    examples: list[int]  # indices into the input texts, most representative first
    size: int

    def to_json(self, texts: Sequence[str]) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": self.keywords,
            "examples": [texts[i] for i in self.examples],
            "size": self.size,
        }


@dataclass
class ThemesResult:
    themes: list[Theme]
    assignments: npt.NDArray[np.int64]  # theme id per input text, -1 for a blank text
    method: str = "lsa"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self, texts: Sequence[str]) -> dict[str, Any]:
        return {
            "themes": [t.to_json(texts) for t in self.themes],
            "assignments": {str(i): int(a) for i, a in enumerate(self.assignments) if a >= 0},
        }


class Analyzer:
    """Text -> stems and stem bigrams; remembers each stem's most common spelling."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise TopicsError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
        self.stemmer = snowballstemmer.stemmer(LANGUAGES[language])
        stop = {w.lower() for w in get_stop_words(language)}
        if language == "en":
            stop |= set(ENGLISH_STOP_WORDS)
        self.stop = frozenset(stop)
        self._stems: dict[str, str] = {}
        self.spellings: dict[str, Counter[str]] = {}

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = str(self.stemmer.stemWord(word))
            self._stems[word] = stem
        return stem

    def words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower()) if w not in self.stop]

    def __call__(self, text: str) -> list[str]:
        words = self.words(text)
        stems = [self.stem(w) for w in words]
        for w, s in zip(words, stems, strict=True):
            self.spellings.setdefault(s, Counter())[w] += 1
        return stems + [f"{a} {b}" for a, b in pairwise(stems)]

    def display(self, term: str) -> str:
        parts = []
        for stem in term.split(" "):
            counts = self.spellings.get(stem)
            parts.append(counts.most_common(1)[0][0] if counts else stem)
        return " ".join(parts)


def _vectorise(texts: Sequence[str], analyzer: Analyzer) -> tuple[sparse.csr_matrix, list[str]]:
    n = len(texts)
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        sublinear_tf=True,
        min_df=2 if n >= 20 else 1,
        max_df=0.5 if n >= 20 else 1.0,
        dtype=np.float32,
    )
    try:
        x = vectorizer.fit_transform(texts)
    except ValueError:
        # Every word is a stop word or rare: fall back to every term.
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32)
        try:
            x = vectorizer.fit_transform(texts)
        except ValueError as exc:
            raise TopicsError("the texts have no words to group by") from exc
    return sparse.csr_matrix(x), [str(t) for t in vectorizer.get_feature_names_out()]


def _embed_lsa(x: sparse.csr_matrix, k: int, seed: int) -> npt.NDArray[np.float64]:
    # A few texts share few words: keep only the main directions (about k of them).
    wanted = LSA_DIMENSIONS if x.shape[0] >= SMALL else k + 1
    dims = min(wanted, x.shape[1] - 1, x.shape[0] - 1)
    if dims < 2:
        return np.asarray(normalize(x.toarray()), dtype=np.float64)
    svd = TruncatedSVD(dims, random_state=seed, algorithm="randomized", n_iter=5)
    sample = _sample(x.shape[0], seed)
    if sample is None:
        z = svd.fit_transform(x)
    else:
        svd.fit(x[sample])
        z = svd.transform(x)
    return np.asarray(normalize(z), dtype=np.float64)


def _sample(n: int, seed: int) -> npt.NDArray[np.int64] | None:
    if n <= FIT_SAMPLE:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, FIT_SAMPLE, replace=False)).astype(np.int64)


def _kmeans(z: npt.NDArray[np.float64], k: int, seed: int) -> npt.NDArray[np.int64]:
    km = KMeans(n_clusters=k, n_init=KMEANS_STARTS, random_state=seed)
    sample = _sample(z.shape[0], seed)
    if sample is None:
        return np.asarray(km.fit_predict(z), dtype=np.int64)
    km.fit(z[sample])
    return np.asarray(km.predict(z), dtype=np.int64)


def _em_refine(
    x: sparse.csr_matrix,
    labels: npt.NDArray[np.int64],
    k: int,
    rounds: int = EM_ROUNDS,
    rows: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Multinomial mixture (naive Bayes) EM on term presence, started from ``labels`` (the
    labels of ``rows`` only, when given: the other texts start unassigned)."""
    presence = x.copy()
    presence.data[:] = 1.0
    presence = sparse.csr_matrix(presence, dtype=np.float64)
    resp = np.zeros((x.shape[0], k))
    if rows is None:
        rows = np.arange(x.shape[0], dtype=np.int64)
    resp[rows, labels] = 1.0
    for _ in range(rounds):
        counts = np.asarray((presence.T @ resp).T) + EM_SMOOTHING  # k x terms
        log_word = np.log(counts / counts.sum(axis=1, keepdims=True))
        log_prior = np.log(resp.sum(axis=0) + 1.0) - np.log(resp.sum() + k)
        log_like = np.asarray(presence @ log_word.T) + log_prior
        log_like -= log_like.max(axis=1, keepdims=True)
        resp = np.exp(log_like)
        resp /= resp.sum(axis=1, keepdims=True)
    refined = np.asarray(resp.argmax(axis=1), dtype=np.int64)
    # A text with no kept term has a flat likelihood: keep the theme it started in.
    empty = np.asarray(presence[rows].sum(axis=1)).ravel() == 0
    refined[rows[empty]] = labels[empty]
    return refined


def _consensus(
    x: sparse.csr_matrix, z: npt.NDArray[np.float64], k: int, seed: int
) -> npt.NDArray[np.int64]:
    """k themes agreed by several partitions (k-means + EM), then EM on every text."""
    n = x.shape[0]
    if n <= CONSENSUS_SAMPLE:
        rows = np.arange(n, dtype=np.int64)
    else:
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(n, CONSENSUS_SAMPLE, replace=False)).astype(np.int64)
    xs, zs = x[rows], z[rows]
    together = np.zeros((len(rows), len(rows)), dtype=np.float32)
    for run in range(CONSENSUS_RUNS):
        start = KMeans(n_clusters=k, n_init=1, random_state=seed * CONSENSUS_RUNS + run)
        labels = _em_refine(xs, np.asarray(start.fit_predict(zs), dtype=np.int64), k)
        onehot = np.eye(k, dtype=np.float32)[labels]
        together += onehot @ onehot.T
    distance = 1.0 - together / CONSENSUS_RUNS
    del together
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    del distance
    groups, keep = _big_groups(tree, k, len(rows))
    number = {int(g): i for i, g in enumerate(keep)}
    chosen = np.array([g in number for g in groups])
    start_labels = np.array([number[int(g)] for g in groups[chosen]], dtype=np.int64)
    labels = _em_refine(x, start_labels, k, rows=rows[chosen])
    return _absorb_small(x, labels, smallest=max(2, n // 100))


def _big_groups(
    tree: npt.NDArray[np.float64], k: int, n: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Average linkage leaves a few odd texts in groups of their own: cut the tree lower until
    k groups of at least 1% of the ``n`` texts appear. Returns each text's group and the (at
    most k) groups kept, largest first; texts of other groups are left to the caller."""
    smallest = max(2, n // 100)
    for cut in range(k, min(n, 4 * k) + 1):
        groups = fcluster(tree, cut, criterion="maxclust")
        ids, sizes = np.unique(groups, return_counts=True)
        big = ids[sizes >= smallest]
        if len(big) >= k:
            break
    else:
        big = ids[np.argsort(-sizes, kind="stable")][:k]
    keep = big[np.argsort(-sizes[np.isin(ids, big)], kind="stable")][:k]
    return groups, keep


def _semantic(
    x: sparse.csr_matrix, z: npt.NDArray[np.float64], k: int, seed: int
) -> npt.NDArray[np.int64]:
    """Themes from sentence vectors ``z`` (L2-normalised) and the texts' terms ``x``.

    Average linkage of the cosine distances between texts (on a seeded sample of at most
    5,000) cut into k groups of at least 1% of the texts; every text starts in the group whose
    mean vector is nearest; then EM rounds of a mixture in which a text's fit to a theme is the
    naive Bayes log-likelihood of its terms plus ``SEMANTIC_KAPPA`` x the cosine of its vector
    to the theme's mean vector (a von Mises-Fisher term), with the themes' shares as priors.
    """
    n = z.shape[0]
    if n <= CONSENSUS_SAMPLE:
        rows = np.arange(n, dtype=np.int64)
    else:
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(n, CONSENSUS_SAMPLE, replace=False)).astype(np.int64)
    distance = np.clip(1.0 - z[rows] @ z[rows].T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    del distance
    groups, keep = _big_groups(tree, k, len(rows))
    centres = normalize(np.array([z[rows[groups == g]].mean(axis=0) for g in keep]))
    resp = np.eye(len(keep))[np.argmax(z @ centres.T, axis=1)]
    presence = x.copy()
    presence.data[:] = 1.0
    presence = sparse.csr_matrix(presence, dtype=np.float64)
    for _ in range(SEMANTIC_ROUNDS):
        counts = np.asarray((presence.T @ resp).T) + EM_SMOOTHING
        log_word = np.log(counts / counts.sum(axis=1, keepdims=True))
        log_prior = np.log(resp.sum(axis=0) + 1.0) - np.log(resp.sum() + len(keep))
        centres = normalize(resp.T @ z)
        fit = np.asarray(presence @ log_word.T) + SEMANTIC_KAPPA * (z @ centres.T) + log_prior
        fit -= fit.max(axis=1, keepdims=True)
        resp = np.exp(fit)
        resp /= resp.sum(axis=1, keepdims=True)
    return np.asarray(resp.argmax(axis=1), dtype=np.int64)


def _absorb_small(
    x: sparse.csr_matrix, labels: npt.NDArray[np.int64], smallest: int
) -> npt.NDArray[np.int64]:
    """EM can shrink a theme to a handful of texts: those texts go to the theme of the others
    whose word distribution fits them best (a theme is kept only with ``smallest`` texts)."""
    ids, sizes = np.unique(labels, return_counts=True)
    small = ids[sizes < smallest]
    if len(small) == 0 or len(small) == len(ids):
        return labels
    big = ids[sizes >= smallest]
    presence = x.copy()
    presence.data[:] = 1.0
    presence = sparse.csr_matrix(presence, dtype=np.float64)
    onehot = (labels[:, None] == big[None, :]).astype(np.float64)
    counts = np.asarray((presence.T @ onehot).T) + EM_SMOOTHING
    log_word = np.log(counts / counts.sum(axis=1, keepdims=True))
    log_prior = np.log(onehot.sum(axis=0) + 1.0)
    moved = np.flatnonzero(np.isin(labels, small))
    fit = np.asarray(presence[moved] @ log_word.T) + log_prior
    out = labels.copy()
    out[moved] = big[fit.argmax(axis=1)]
    return out


def default_k(n_texts: int) -> int:
    """A readable number of themes when none is asked for: about sqrt(n / 10), 2 to 12."""
    return int(min(12, max(2, round(float(np.sqrt(n_texts / 10))))))


def _default_embed() -> Callable[[Sequence[str]], npt.NDArray[np.float32]]:
    """The ``semantic`` extra's sentence embeddings, loaded (and checked) on first use."""
    from . import embeddings  # optional extra: never imported by the default method

    try:
        encoder = embeddings.encoder()
    except embeddings.EmbeddingsUnavailable as exc:
        raise TopicsError(str(exc)) from exc
    return encoder.encode


def find_themes(
    texts: Sequence[str],
    *,
    k: int | None = None,
    language: str = "en",
    seed: int = 0,
    method: Method = "lsa",
    n_keywords: int = 8,
    n_examples: int = 3,
    embed: Callable[[Sequence[str]], npt.NDArray[np.float32]] | None = None,
) -> ThemesResult:
    """Group ``texts`` into ``k`` themes (see the module docstring); blank texts get -1."""
    all_texts = [t if isinstance(t, str) else "" for t in texts]
    kept = np.array([i for i, t in enumerate(all_texts) if t.strip()], dtype=np.int64)
    texts = [all_texts[i] for i in kept]
    n = len(texts)
    if n == 0:
        raise TopicsError("no texts to group")
    if k is None:
        k = default_k(n)
    if k < 1:
        raise TopicsError(f"k must be at least 1, not {k}")
    if k > n:
        raise TopicsError(f"k={k} is larger than the number of texts ({n})")
    if k > MAX_K:
        raise TopicsError(f"k={k} is more than {MAX_K} themes")
    analyzer = Analyzer(language)
    x, terms = _vectorise(texts, analyzer)
    if method == "semantic":
        if embed is None:
            embed = _default_embed()
        z = np.asarray(normalize(embed(texts)), dtype=np.float64)
        labels = _semantic(x, z, k, seed) if k > 1 else np.zeros(n, dtype=np.int64)
    elif method == "lsa":
        z = _embed_lsa(x, k, seed)
        labels = _consensus(x, z, k, seed) if k > 1 else np.zeros(n, dtype=np.int64)
    else:
        raise TopicsError(f"unknown method {method!r}")
    result = _describe(texts, x, terms, z, labels, analyzer, method, n_keywords, n_examples)
    if len(kept) < len(all_texts):
        assignments = np.full(len(all_texts), -1, dtype=np.int64)
        assignments[kept] = result.assignments
        result.assignments = assignments
        for theme in result.themes:
            theme.examples = [int(kept[i]) for i in theme.examples]
    return result


def _describe(
    texts: Sequence[str],
    x: sparse.csr_matrix,
    terms: list[str],
    z: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    analyzer: Analyzer,
    method: str,
    n_keywords: int,
    n_examples: int,
) -> ThemesResult:
    # Number themes by size (largest first) so that ids are stable for a seed and readable.
    used, sizes = np.unique(labels, return_counts=True)
    order = used[np.argsort(-sizes, kind="stable")]
    renumber = {int(old): new for new, old in enumerate(order)}
    assignments = np.array([renumber[int(lab)] for lab in labels], dtype=np.int64)
    overall = np.asarray(x.mean(axis=0)).ravel()
    themes = []
    for theme_id in range(len(order)):
        members = np.flatnonzero(assignments == theme_id)
        mean = np.asarray(x[members].mean(axis=0)).ravel()
        # Over-representation, weighted by how much the term matters inside the theme.
        score = mean * np.log1p(mean / (overall + 1e-9))
        keywords = _keywords(score, terms, analyzer, n_keywords)
        centre = z[members].mean(axis=0)
        closeness = z[members] @ centre
        examples = [int(members[i]) for i in np.argsort(-closeness, kind="stable")[:n_examples]]
        themes.append(
            Theme(
                id=theme_id,
                label=" · ".join(keywords[:3]) if keywords else f"theme {theme_id + 1}",
                keywords=keywords,
                examples=examples,
                size=len(members),
            )
        )
    return ThemesResult(themes=themes, assignments=assignments, method=method)


def _keywords(
    score: npt.NDArray[np.float64], terms: list[str], analyzer: Analyzer, n_keywords: int
) -> list[str]:
    keywords: list[str] = []
    seen_stems: set[str] = set()
    for i in np.argsort(-score, kind="stable"):
        if score[i] <= 0 or len(keywords) >= n_keywords:
            break
        stems = terms[i].split(" ")
        # Skip a bigram whose words are both shown already, and a word shown in a bigram.
        if all(s in seen_stems for s in stems):
            continue
        seen_stems.update(stems)
        keywords.append(analyzer.display(terms[i]))
    return keywords


def read_texts(path: Path, column: str) -> list[str]:
    """The non-empty texts of ``column`` in a UTF-8 CSV file; row numbers are kept (a blank
    text stays as ``""`` so that assignments keep the file's 0-based row numbers)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TopicsError(f"cannot read the file ({exc.strerror})") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TopicsError(f"not UTF-8 (byte {exc.start})") from exc
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if not reader.fieldnames:
        raise TopicsError("the file is empty")
    if column not in reader.fieldnames:
        raise TopicsError(
            f"no column {column!r} (columns: {', '.join(str(f) for f in reader.fieldnames)})"
        )
    texts = [(row.get(column) or "").strip() for row in reader]
    if not any(texts):
        raise TopicsError(f"column {column!r} has no text")
    return texts
