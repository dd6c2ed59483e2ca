"""Borrowers for the portal tests, living where it is daytime right now.

Sign-in codes go through the contact gate, which texts nobody at night in their local
time. These tests run on the real clock, so each borrower gets a zone where it is about
noon now, and the tests pass at any hour of the day.
"""

from __future__ import annotations

from typing import Any

from tactful.borrowers.models import Borrower
from tactful.testing import personas
from tactful.testing.zones import move_to_daytime


def make_borrower(**details: Any) -> Borrower:
    return move_to_daytime(personas.make_borrower(**details))
