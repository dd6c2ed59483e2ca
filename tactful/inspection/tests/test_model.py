"""The learned abuse model: shipped weights, when it speaks, and deterministic training."""

from __future__ import annotations

from tactful.inspection import TextChecker
from tactful.inspection.devset import load_devset
from tactful.inspection.model import AbuseModel
from tactful.inspection.normalise import normalise
from tactful.inspection.training import Labelled, TrainingSettings, build_model, train


def test_the_shipped_model_loads_with_a_sane_threshold():
    model = AbuseModel.load()

    assert 0.5 <= model.threshold < 1
    assert len(model.weights) > 1000


def test_the_model_adds_an_insult_the_rules_do_not_name():
    rules_only = TextChecker().inspect("你这种人活着就是浪费空气。")
    with_model = TextChecker(model=AbuseModel.load()).inspect("你这种人活着就是浪费空气。")

    assert rules_only.labels == ()
    assert with_model.labels == ("insult",)
    assert with_model.findings[0].source == "model"


def test_the_model_stays_quiet_on_text_that_addresses_nobody():
    model = AbuseModel.load()

    assert model.score(normalise("某些地方的人素质真差").text) == 0.0


def test_model_findings_quote_the_original_text():
    text = "你这种人活着就是浪费空气。"
    finding = TextChecker(model=AbuseModel.load()).inspect(text).findings[0]

    assert text[finding.start : finding.end] == finding.evidence


def test_training_is_deterministic():
    rows = [Labelled("你这个废物", True), Labelled("请按时还款", False)] * 5
    settings = TrainingSettings(epochs=2)

    assert train(rows, settings=settings) == train(rows, settings=settings)


def test_a_model_trained_on_the_development_set_alone_flags_no_hard_negative():
    examples = load_devset()
    model = build_model(examples, None, settings=TrainingSettings(epochs=3))
    checker = TextChecker(model=model)

    for example in examples:
        if example.split == "dev" and not example.labels:
            assert checker.inspect(example.text, example.recipient_role).labels == ()
