"""The fixtures of the tests of the portal's account pages, shared with the tests of the portal."""

from tactful.portal.tests.conftest import (  # noqa: F401
    _static_root_exists,
)
