"""The fixtures of the tests of the staff sign-in, shared with the tests of the toolkit."""

from tactful.web.tests.conftest import (  # noqa: F401
    _fresh_lockouts,
)
