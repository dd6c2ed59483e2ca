"""The checker as the contact gate's content rule (`tactful.policy.content.ContentChecker`).

The gate asks one question of a message: is anything wrong with it for this recipient?
Any finding denies the contact; signals are the borrower's words and never block a message.
"""

from __future__ import annotations

from functools import cache

from tactful.inspection.checker import TextChecker
from tactful.inspection.embedding import EmbeddingModel, shipped_model_available
from tactful.inspection.model import AbuseModel


class InspectionContentChecker:
    """Answer the gate with the labels of every finding in a message."""

    def __init__(self, checker: TextChecker | None = None) -> None:
        self._checker = checker or shared_checker()

    def check(self, text: str, recipient_role: str) -> tuple[str, ...]:
        """Return the sorted finding categories of `text` for `recipient_role`; () if clean."""
        return self._checker.check(text, recipient_role)


@cache
def shared_checker(*, with_model: bool = False) -> TextChecker:
    """Return the process's checker, built on first use.

    The gate blocks messages before they are sent, so it uses the rules alone: the learned
    layers would block too many harmless texts (docs/inspection.md). Call QA, where a person
    reviews every finding, adds them for recall: the n-gram insult model and, where its
    encoder is installed, the embedding layer.
    """
    if not with_model:
        return TextChecker()
    embedding = EmbeddingModel.load() if shipped_model_available() else None
    return TextChecker(model=AbuseModel.load(), embedding=embedding)
