"""Print the SHA-256 of every shipped rule pack, as tactful/policy/pack_digests.py pins them.

    .venv/bin/python scripts/pack_digests.py

Run it after changing a pack (and its version), and copy the lines into SHIPPED.
"""

from __future__ import annotations

from tactful.policy.pack_digests import content_digest
from tactful.policy.packs import PACK_DIRECTORY, pack_names

for name in pack_names():
    text = (PACK_DIRECTORY / f"{name}.yaml").read_text(encoding="utf-8")
    print(f'    "{name}": "{content_digest(text)}",')
