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
    "cn": "15f026b356f128810a46c5e1bf0b9a5c986090a4cb389263ec06629b0b0dd063",
    "id": "b98bcd804bcd8f6b960f599ceb4e67eea822fff220ae99c246b8bab323f7d55a",
    "in": "b83f4492ad295299cd4acab64f72337cc92cf2df76f6678c7c5f29ee96b2d577",
    "ke": "b61a786ae6e8af5c1d998396010960ef85b6a04bd8b7c3236154996826dacf78",
    "ph": "a3f0b30a5bcaab5caebe489d29ccfea238e3a4ef9394d27bbbf99ba81fff1122",
    "uk": "6ecd471111df8a9925ca0e654e1e57661ada2303b589322e4ea8fbdfaee2b931",
    "us": "8ff9cb3facc4fc36468c7a7835ca5cb9e310da9db3547a5685aec4bcf0b27d51",
}


def content_digest(text: str) -> str:
    """Return the SHA-256 of a pack's text, line endings read as LF (as git may not keep them)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()
