"""The lines of the independent authors: well formed, labelled by the checker's own names,
each author kept apart, enough of them to tell figures per author."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tactful.inspection.devset import load_authors
from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS

LANGUAGES = {"zh-Hans", "zh-Hant", "en"}
DEBT_PARTIES = {"debtor"}


FRESH = Path(__file__).resolve().parents[1] / "data" / "fresh"


@pytest.fixture(scope="module", params=["fitted", "fresh"])
def authors(request):
    """The authors the layer is fitted on, and the fresh ones it never saw."""
    return load_authors() if request.param == "fitted" else load_authors(FRESH)


def test_five_authors_and_four_thousand_lines():
    authors = load_authors()
    assert len(authors) >= 5
    assert sum(len(lines) for lines in authors.values()) >= 4000


def test_the_fresh_authors_are_none_of_the_fitted_ones():
    fresh = load_authors(FRESH)
    assert fresh
    assert not set(fresh) & set(load_authors())
    assert all(line.speaker for lines in fresh.values() for line in lines)


def test_every_line_is_well_formed_and_names_its_author(authors):
    seen: set[str] = set()
    for author, lines in authors.items():
        for line in lines:
            assert line.author == author, line.id
            assert line.id not in seen, line.id
            seen.add(line.id)
            assert line.lang in LANGUAGES, line.id
            assert line.text.strip(), line.id
            assert line.labels <= set(CATEGORIES), line.id
            assert line.signals <= set(SIGNAL_KINDS), line.id
            if "third_party_disclosure" in line.labels:
                assert line.recipient_role not in DEBT_PARTIES, line.id


def test_each_author_covers_every_label_language_and_hard_negatives(authors):
    for author, lines in authors.items():
        labels = Counter(label for line in lines for label in line.labels)
        signals = Counter(kind for line in lines for kind in line.signals)
        written = [label for label in CATEGORIES if label != "unreadable"]
        assert all(labels[label] >= 20 for label in written), (author, labels)
        assert all(signals[kind] >= 10 for kind in SIGNAL_KINDS), (author, signals)
        assert {line.lang for line in lines} == LANGUAGES, author
        clean = sum(1 for line in lines if not line.labels and not line.signals)
        assert clean >= len(lines) // 5, (author, clean)
