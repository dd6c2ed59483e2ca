"""Normalisation folds evasions, and every finding maps back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tactful.inspection import TextChecker
from tactful.inspection.normalise import normalise


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ＬＯＡＮ　３０００", "loan 3000"),
        ("你這個老賴", "你这个老赖"),
        ("老 赖", "老赖"),
        ("老*赖", "老赖"),
        ("公.安.局", "公安局"),
        ("老\u200b赖", "老赖"),
        ("老癞", "老赖"),
        ("i d i o t", "idiot"),
        ("a d e a d b e a t", "a deadbeat"),
        ("你好，老赖", "你好,老赖"),  # clause punctuation stays (in its ASCII form)
        ("hello world", "hello world"),  # English spacing stays
        ("①号", "1号"),
    ],
)
def test_text_is_folded_for_matching(written, folded):
    assert normalise(written).text == folded


def test_unchanged_lengths_need_no_offset_map():
    assert normalise("你這個老賴").origin is None


def test_spans_map_back_to_the_characters_written():
    folded = normalise("你 这 个 老 賴！")
    start = folded.text.index("老赖")

    assert folded.span(start, start + 2) == (6, 9)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("你這個老 賴，真不要臉。", "老 賴"),
        ("ｓｂ一个，还不还？", "ｓｂ"),
        ("我是公 安 局的。", "我是公 安 局"),
        ("You are a d e a d b e a t.", "d e a d b e a t"),
        ("前面\u200b很长的一段话，你\u200b老\u200b赖", "老\u200b赖"),
    ],
)
def test_findings_quote_the_original_text(text, evidence):
    finding = TextChecker().inspect(text).findings[0]

    assert text[finding.start : finding.end] == finding.evidence == evidence


@given(
    prefix=st.text(alphabet=" *.\u200b，abc你好這個", max_size=12),
    spacer=st.sampled_from(["", " ", "*", ".", "\u200b", "  "]),
)
def test_offsets_always_land_on_the_evidence(prefix, spacer):
    text = f"{prefix}老{spacer}賴"
    for finding in TextChecker().inspect(text).findings:
        assert text[finding.start : finding.end] == finding.evidence
        assert finding.evidence.startswith("老")
