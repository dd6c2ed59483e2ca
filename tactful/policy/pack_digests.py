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
import json
from dataclasses import asdict
from typing import Any

from tactful.policy.schema import PackSpec

SHIPPED: dict[str, str] = {
    "cn": "be7e0792d0028fe15ad48c08fd9fd9550eaddee9c9be30695e0475a4e120f52d",
    "id": "613ee6560427626df12b7919fe3e82c91491724ad96c9d9fe97482811a473088",
    "in": "2ccff4c468df75eaa67b404dc6763d4edb7e3e7971e5c03c59f6c831364f2d09",
    "ke": "4ad345732adc15104c19a8d30a382a4eb2312c9e5fb0633c7b0602a96f63afc8",
    "ph": "5a61dd0d63abc1c0ef89e48a3588bcc058013e381c3fe939d64cf648d948a063",
    "uk": "83b838b1764d5d4b3b0adecbf308b4e0b68f8f29a214df070f3a89a376ba9955",
    "us": "02fd36c414e17388d01ba5af04ddf2bf7285b3af700051fa69a40090349079dc",
}


def content_digest(text: str) -> str:
    """Return the SHA-256 of a pack's text, line endings read as LF (as git may not keep them)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def spec_digest(spec: PackSpec) -> str:
    """Return the SHA-256 of what a pack says once read (rules, parameters, scopes, words).

    The digest a decision records: it names the rules that decided, however they were
    written (the shipped file alone, or tightened by an override), and unlike a version
    it cannot be declared, only computed.
    """
    content = asdict(spec)
    # Where it was read from is not what it says.
    del content["source"]
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    # Sets (scopes, weekdays, outcomes) in a stable order; anything else as text.
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    return str(value)
