from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from listening.analysis.__main__ import main
from listening.analysis.topics import TopicsError, find_themes

EN_THEMES = {
    "transport": [
        "The bus should run every ten minutes on the main road",
        "We need more bus lanes and a safer cycle lane on the main road",
        "Cycle lanes are too narrow and the buses are always late",
        "Free buses for students would cut the traffic on the road",
        "Trains and buses need one ticket for the whole city",
        "The tram line should reach the northern districts, buses are full",
        "Traffic jams on the ring road make the buses late every morning",
        "A bike share scheme and more cycle lanes near the station",
    ],
    "housing": [
        "Rents are too high for young families in the city centre",
        "Build more social housing and cap the rents",
        "Empty flats should be taxed so that owners rent them out",
        "Housing for students is scarce and rents keep rising",
        "Landlords raise the rent every year, tenants need protection",
        "Social housing waiting lists are years long for families",
        "New housing should be affordable, not luxury flats",
        "Protect tenants from eviction when the rent goes up",
    ],
    "water": [
        "The river is polluted by farms upstream, clean the water",
        "Drinking water should stay a public service",
        "Farms use too much water from the river in summer",
        "Test the tap water for lead in old schools",
        "Water meters for every home would save drinking water",
        "Protect the wetlands and the river from pollution",
        "Rain water should be collected to water the parks",
        "Leaking water pipes waste a third of our drinking water",
    ],
}

FR_TEXTS = {
    "logement": [
        "Les loyers sont trop chers pour les familles en centre-ville",
        "Il faut construire plus de logements sociaux et encadrer les loyers",
        "Les logements vides devraient être taxés pour être loués",
        "Les étudiants ne trouvent pas de logement, les loyers augmentent",
        "Protéger les locataires contre les expulsions et les hausses de loyer",
        "Les listes d'attente pour un logement social sont trop longues",
        "Les propriétaires augmentent les loyers chaque année",
        "Un logement abordable pour les jeunes, pas des appartements de luxe",
    ],
    "transport": [
        "Le bus devrait passer toutes les dix minutes dans le quartier",
        "Plus de pistes cyclables et de voies de bus sur les grands axes",
        "Les bus sont toujours en retard à cause des embouteillages",
        "Le tramway doit desservir les quartiers nord, les bus sont pleins",
        "Un seul ticket pour le bus, le tram et le train dans la ville",
        "Des vélos en libre-service et des pistes cyclables près de la gare",
        "Le bus gratuit le dimanche réduirait les embouteillages du centre",
        "Le bus et le tram doivent rouler la nuit dans tous les quartiers",
    ],
}

ES_TEXTS = {
    "vivienda": [
        "Los alquileres son demasiado caros para las familias jóvenes",
        "Hay que construir más vivienda social y limitar los alquileres",
        "Las viviendas vacías deberían pagar más impuestos",
        "Los estudiantes no encuentran vivienda, los alquileres suben",
        "Proteger a los inquilinos de los desahucios y de las subidas del alquiler",
        "Las listas de espera de vivienda social son muy largas",
        "Los propietarios suben el alquiler cada año",
        "Vivienda asequible para los jóvenes, no pisos de lujo",
    ],
    "agua": [
        "El río está contaminado por las granjas, hay que limpiar el agua",
        "El agua potable debe seguir siendo un servicio público",
        "Las granjas usan demasiada agua del río en verano",
        "Hay que analizar el agua del grifo en las escuelas antiguas",
        "Las tuberías pierden un tercio del agua potable",
        "Proteger los humedales y el río de la contaminación",
        "Recoger el agua de lluvia para regar los parques",
        "Un contador de agua en cada casa ahorraría agua potable",
    ],
}


def _pooled(groups: dict[str, list[str]]) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    truth: list[int] = []
    for i, group in enumerate(groups.values()):
        texts += group
        truth += [i] * len(group)
    return texts, truth


@pytest.mark.parametrize(
    ("groups", "language"), [(EN_THEMES, "en"), (FR_TEXTS, "fr"), (ES_TEXTS, "es")]
)
def test_find_themes_recovers_known_themes_per_language(
    groups: dict[str, list[str]], language: str
) -> None:
    texts, truth = _pooled(groups)
    result = find_themes(texts, k=len(groups), language=language, seed=1)
    # Most texts sit in a theme whose majority is their own subject (a few short texts that
    # share a word with another subject may stray), and each theme's first example is typical.
    in_majority = 0
    for theme in result.themes:
        members = np.flatnonzero(result.assignments == theme.id)
        subjects = np.bincount(np.asarray(truth)[members], minlength=len(groups))
        in_majority += int(subjects.max())
        assert truth[theme.examples[0]] == int(subjects.argmax())
    assert in_majority / len(texts) >= 0.75
    assert len(
        {
            int(np.argmax(np.bincount(np.asarray(truth)[result.assignments == t.id])))
            for t in result.themes
        }
    ) == len(groups)


def test_find_themes_labels_use_words_of_the_texts_not_stems() -> None:
    texts, _ = _pooled(EN_THEMES)
    result = find_themes(texts, k=3, seed=0)
    labels = " ".join(t.label for t in result.themes)
    assert "housing" in labels or "rents" in labels or "rent" in labels
    assert "hous " not in labels + " "
    words = {w for t in texts for w in t.lower().replace(",", " ").split()}
    for theme in result.themes:
        for keyword in theme.keywords:
            assert all(part in words for part in keyword.split(" ")), keyword


def test_find_themes_drops_stop_words_from_keywords() -> None:
    texts, _ = _pooled(FR_TEXTS)
    result = find_themes(texts, k=2, language="fr", seed=0)
    keywords = {k for t in result.themes for k in t.keywords}
    assert not keywords & {"les", "des", "pour", "sont", "le", "la"}


def test_find_themes_same_seed_same_result() -> None:
    texts, _ = _pooled(EN_THEMES)
    first = find_themes(texts, k=3, seed=7)
    second = find_themes(texts, k=3, seed=7)
    assert first.assignments.tolist() == second.assignments.tolist()
    assert [t.label for t in first.themes] == [t.label for t in second.themes]


def test_find_themes_blank_texts_are_left_out() -> None:
    texts, _ = _pooled(EN_THEMES)
    texts = ["", *texts, "   "]
    result = find_themes(texts, k=3, seed=0)
    assert result.assignments[0] == -1
    assert result.assignments[-1] == -1
    out = result.to_json(texts)
    assert "0" not in out["assignments"]
    assert len(out["assignments"]) == len(texts) - 2
    assert sum(t.size for t in result.themes) == len(texts) - 2


def test_find_themes_k_larger_than_texts_is_refused() -> None:
    with pytest.raises(TopicsError, match="larger than the number of texts"):
        find_themes(["one text", "another"], k=3)


def test_find_themes_unknown_language_is_refused() -> None:
    with pytest.raises(TopicsError, match="unknown language"):
        find_themes(["one text", "another"], k=1, language="xx")


def test_find_themes_semantic_uses_given_embedding() -> None:
    texts, truth = _pooled(EN_THEMES)
    vectors = np.eye(3, dtype=np.float32)[truth] + 0.01

    result = find_themes(texts, k=3, method="semantic", embed=lambda _t: vectors, seed=0)
    assert normalized_mutual_info_score(truth, result.assignments) == pytest.approx(1.0)


def _csv(path: Path, rows: list[str], column: str = "comment-body") -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", column])
        for i, text in enumerate(rows):
            writer.writerow([i, text])
    return path


def test_main_themes_writes_themes_and_assignments(tmp_path: Path) -> None:
    texts, truth = _pooled(EN_THEMES)
    src = _csv(tmp_path / "c.csv", texts)
    out = tmp_path / "out.json"
    argv = ["themes", str(src), "--text-column", "comment-body", "--k", "3"]
    assert main([*argv, "--json", str(out), "--seed", "2"]) == 0
    data = json.loads(out.read_text())
    assert len(data["themes"]) == 3
    assert {"id", "label", "keywords", "examples"} <= set(data["themes"][0])
    assert set(data["assignments"]) == {str(i) for i in range(len(texts))}
    found = [data["assignments"][str(i)] for i in range(len(texts))]
    assert normalized_mutual_info_score(truth, found) > 0.8
    assert all(e in texts for t in data["themes"] for e in t["examples"])


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listening.analysis", "themes", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_main_themes_missing_column_exits_2_naming_file_and_column(tmp_path: Path) -> None:
    src = _csv(tmp_path / "c.csv", ["a text", "another"], column="body")
    done = _run([str(src), "--text-column", "comment-body", "--json", "o.json"], tmp_path)
    assert done.returncode == 2
    assert "c.csv" in done.stderr
    assert "'comment-body'" in done.stderr
    assert not (tmp_path / "o.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"id,text\n1,caf\xe9\n", "not UTF-8"), (b"id,text\n1,\n", "no text")],
)
def test_main_themes_bad_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    assert main(["themes", str(src), "--text-column", "text", "--json", "o.json"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: " in err
    assert message in err


def test_main_themes_k_larger_than_texts_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path / "c.csv", ["a text", "another text"])
    out = str(tmp_path / "o.json")
    assert main(["themes", str(src), "--text-column", "comment-body", "--k", "5", "--json", out])
    assert "k=5 is larger than the number of texts (2)" in capsys.readouterr().err


def test_topics_imports_no_django() -> None:
    code = "import sys, listening.analysis.topics; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_find_themes_fitted_on_a_sample_still_groups_every_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import listening.analysis.topics as topics

    texts, truth = _pooled(EN_THEMES)
    texts, truth = texts * 10, truth * 10  # 240 texts: past SMALL, so LSA is used
    monkeypatch.setattr(topics, "FIT_SAMPLE", 60)
    result = find_themes(texts, k=3, seed=0)
    labels = result.assignments
    assert (labels >= 0).all()
    assert len(result.themes) == 3
    # The same text gets the same theme whether or not it was in the sample.
    assert (labels.reshape(10, -1) == labels[:24]).all()
    majority = sum(int(np.bincount(np.asarray(truth)[labels == t]).max()) for t in range(3))
    assert majority / len(texts) >= 0.75


def test_find_themes_texts_of_stop_words_only_are_refused() -> None:
    with pytest.raises(TopicsError, match="no words"):
        find_themes(["the and of", "a to in", "it is"], k=2)


def test_main_themes_missing_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere.csv")
    assert main(["themes", missing, "--text-column", "t", "--json", str(tmp_path / "o")]) == 2
    assert "nowhere.csv: cannot read the file" in capsys.readouterr().err


def test_find_themes_consensus_on_a_sample_still_groups_every_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import listening.analysis.topics as topics

    texts, truth = _pooled(EN_THEMES)
    texts, truth = texts * 10, truth * 10
    monkeypatch.setattr(topics, "CONSENSUS_SAMPLE", 120)  # half the texts
    result = find_themes(texts, k=3, seed=0)
    labels = result.assignments
    assert (labels >= 0).all()
    assert len(result.themes) == 3
    assert (labels.reshape(10, -1) == labels[:24]).all()
    majority = sum(int(np.bincount(np.asarray(truth)[labels == t]).max()) for t in range(3))
    assert majority / len(texts) >= 0.75


def test_find_themes_an_odd_text_does_not_make_a_theme_of_its_own() -> None:
    texts, truth = _pooled(EN_THEMES)
    texts = [*texts, "Zebras and giraffes at the safari park"]
    result = find_themes(texts, k=3, seed=0)
    assert len(result.themes) == 3
    assert min(theme.size for theme in result.themes) >= 5
    assert normalized_mutual_info_score(truth, result.assignments[:-1]) >= 0.5


def test_a_theme_of_a_few_texts_is_dissolved_into_the_theme_that_fits_them() -> None:
    from listening.analysis.topics import Analyzer, _absorb_small, _vectorise

    texts, truth = _pooled(EN_THEMES)
    x, _terms = _vectorise(texts, Analyzer("en"))
    labels = np.asarray(truth, dtype=np.int64)
    labels[[0, 8]] = 3  # one transport and one housing text in a theme of their own
    out = _absorb_small(x, labels, smallest=3)
    assert 3 not in set(out.tolist())
    assert out[0] == 0 and out[8] == 1
    assert (out[1:8] == 0).all() and (out[16:] == 2).all()
