"""What the gate asks of message text: the checker of `tactful.inspection`, plus the interim rule.

The gate depends only on the `ContentChecker` protocol. Its labels are the findings of
`tactful.policy.types.CONTENT_FINDINGS`, each answered by its own content rule in every
pack. The interim checker here enforces the one finding the gate cannot wait for: no
mention of a debt, a loan, an amount owed or overdue status to anyone who is not the
debtor or a guarantor. It reads simplified and traditional Chinese and English.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

THIRD_PARTY_DISCLOSURE = "third_party_disclosure"
# Text refused unchecked (hidden direction marks, look-alike letters).
UNREADABLE = "unreadable"
# Recipients to whom the debt may be named. Everyone else must not learn of it.
_DEBT_PARTIES = frozenset({"debtor", "guarantor"})

_CHINESE_TERMS = (
    # simplified
    "欠款", "欠钱", "欠债", "欠费", "债务", "借款", "借钱", "贷款", "网贷", "逾期", "还款",
    "还钱", "催收", "催款", "拖欠", "未还", "应还", "本金", "利息", "罚息", "滞纳金", "老赖",
    "账单", "征信",
    # traditional
    "欠錢", "欠債", "欠費", "債務", "借錢", "貸款", "網貸", "還款", "還錢", "未還", "應還",
    "罰息", "滯納金", "老賴", "賬單", "帳單", "徵信",
)  # fmt: skip
_ENGLISH_TERMS = (
    r"debts?",
    r"debtors?",
    r"loans?",
    r"lend(?:er|ers|ing)",
    r"borrow(?:ed|ing|er|ers)?",
    r"overdue",
    r"past[\s-]+due",
    r"arrears?",
    r"delinquen(?:t|cy)",
    r"ow(?:e|es|ed|ing)",
    r"repay\w*",
    r"collections?",
    r"collectors?",
    r"outstanding\s+(?:balance|amount|payment)",
    r"amount\s+due",
    r"in\s+default",
    r"defaulted",
    r"instal(?:l)?ments?",
    r"credit\s+(?:score|record|report|bureau)",
)
_CURRENCY_WORDS = (
    r"yuan|rmb|cny|usd|dollars?|bucks?|inr|rupees?|rs\.?|php|pesos?|idr|rupiah|rp|kes|ksh|"
    r"shillings?|gbp|pounds?|quid|eur|euros?"
)
_CURRENCY_SIGNS = r"[¥$£€₹₱]"
_CHINESE_NUMERALS = r"[0-9零〇一二两兩三四五六七八九十百佰千仟万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾]"
_PATTERNS = (
    re.compile("|".join(map(re.escape, _CHINESE_TERMS))),
    re.compile(r"\b(?:" + "|".join(_ENGLISH_TERMS) + r")\b"),
    # 3000元, 三千块, 5千塊錢
    re.compile(_CHINESE_NUMERALS + r"+\s*(?:元|块|塊|圆|圓|人民币|人民幣)"),
    # ¥3000, $ 12.50, 3,000 RMB, rs 500
    re.compile(_CURRENCY_SIGNS + r"\s*\d"),
    re.compile(r"\d[\d,.]*\s*(?:" + _CURRENCY_WORDS + r")\b"),
    re.compile(r"\b(?:" + _CURRENCY_WORDS + r")\s*\d"),
)


class ContentChecker(Protocol):
    """Find problems in message text meant for a recipient of a given role."""

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        """Return the labels of what was found; an empty tuple means nothing was."""
        ...


class InterimDebtMentionChecker:
    """Flag any mention of a debt, loan, amount or overdue status to a non-party."""

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        """Return ``("third_party_disclosure",)`` when `text` reveals the debt to a non-party."""
        if recipient_role in _DEBT_PARTIES:
            return ()
        return (THIRD_PARTY_DISCLOSURE,) if mentions_debt(text) else ()


def mentions_debt(text: str) -> bool:
    """Return True when `text` mentions a debt, loan, amount owed or overdue status."""
    # NFKC folds full-width letters and digits (ｌｏａｎ, ３０００) into plain ones.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return any(pattern.search(folded) for pattern in _PATTERNS)


INTERIM_CHECKER: ContentChecker = InterimDebtMentionChecker()


class CheckedWords:
    """The gate's content rule: the collection-language checker of `tactful.inspection`.

    The interim debt-mention rule stays in force beside it (the union of both findings):
    a message that names the debt to a third party is blocked even if the checker's own
    lexicon missed the wording. The checker is built on first use, so deciding attempts
    without content never loads its lexicon.
    """

    def __init__(self) -> None:
        self._checker: ContentChecker | None = None

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        if self._checker is None:
            # Imported here: loading the lexicon and OpenCC's tables costs tens of
            # milliseconds that attempts without content should not pay.
            from tactful.inspection.content_checker import InspectionContentChecker

            self._checker = InspectionContentChecker()
        found = set(self._checker.check(text, recipient_role))
        found.update(INTERIM_CHECKER.check(text, recipient_role))
        return tuple(sorted(found))


DEFAULT_CHECKER: ContentChecker = CheckedWords()
