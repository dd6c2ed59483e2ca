"""Checked words: find threats, insults, impersonation, false legal claims, exposure threats
and debt disclosure in collection text, and the borrower's vulnerability signals.

Pure: no Django, no apps. `TextChecker().inspect(text, recipient_role)` is the entry point;
`ContentChecker` adapts it to the contact gate. docs/inspection.md is the contract.
"""

from __future__ import annotations

from tactful.inspection.checker import TextChecker
from tactful.inspection.content_checker import InspectionContentChecker
from tactful.inspection.types import (
    CATEGORIES,
    RECIPIENT_ROLES,
    SIGNAL_KINDS,
    Category,
    Finding,
    Inspection,
    Signal,
    SignalKind,
)

__all__ = [
    "CATEGORIES",
    "RECIPIENT_ROLES",
    "SIGNAL_KINDS",
    "Category",
    "Finding",
    "Inspection",
    "InspectionContentChecker",
    "Signal",
    "SignalKind",
    "TextChecker",
]
