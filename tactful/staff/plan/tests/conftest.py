"""The fixtures of the tests of the plan page, shared with the tests of the treatments app."""

from tactful.treatments.tests.conftest import (  # noqa: F401
    portfolio,
)
