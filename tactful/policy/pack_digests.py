"""The SHA-256 of each rule pack as Tactful ships it: a pack is trusted by its content.

A pack file says its own version, and an edited file could keep saying it: a loosened
``cn.yaml`` that still claimed ``2026.05`` would decide contacts under rules nobody
reviewed, and record the reviewed version on each of them. So every shipped pack's
content is pinned here, in code, and `load_pack` refuses a file whose content differs.
A pack changes only with a release that changes its version and this digest together
(`python scripts/pack_digests.py` prints them); a lender tightens a pack with
``GATE_PACK_OVERRIDE``, whose own digest is recorded with each decision.
"""

from __future__ import annotations

import hashlib

SHIPPED: dict[str, str] = {
    "cn": "afd6b411c97c21cca0fd3b760710723168e870cfcb9dde7f0021dc2c21c2218b",
    "id": "0a94b52ed7515a6cad03ce82e2b0c178e4b625f2b34cf72e11d4a9795f63dcd1",
    "in": "bfbd1cd7f2d006a220c71b32e80cf6280044d46d7b0a82dd69c1a6e3d2d4fea4",
    "ke": "fad953389047bcc8ba480728b70126f5a933b51ff2887212ddb99fdc6ee9a3af",
    "ph": "674240301d5c5014544a33cc572a2432cef4951516371ef78fb5569c5b4a1959",
    "uk": "701d60377536f0f43afa9fd59ad81ebe0f85a3c9a56e429b241277c4f94e9b37",
    "us": "648a4a9d7e0f12ef02e865fe09def8cd0bd0c4351fa45dd0bc297b288bff8d64",
}


def content_digest(text: str) -> str:
    """Return the SHA-256 of a pack's text, line endings read as LF (as git may not keep them)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()
