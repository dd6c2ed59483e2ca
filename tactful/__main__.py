"""Let ``python -m tactful`` run the ``tactful`` command line."""

from __future__ import annotations

import sys

from tactful.cli import main

if __name__ == "__main__":
    sys.exit(main())
