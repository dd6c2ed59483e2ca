"""The audit trail's keys, read from the environment at start (pure Python: settings import it).

* ``AUDIT_LINK_KEYS``: ``key_id:base64key`` pairs of 32-byte HMAC keys. The first links
  new events; the others still verify the events linked under them, so a key is rotated
  by putting a new one first (docs/security.md).
* ``AUDIT_SIGNING_KEY``: one ``key_id:base64seed`` Ed25519 private key (its 32-byte seed),
  which signs checkpoints of the chain head and exports.
* ``AUDIT_PREVIOUS_PUBLIC_KEYS``: ``key_id:base64`` public keys of earlier signing keys,
  so what they signed still verifies after a rotation.

Without them (local runs, the demo, tests) both keys are derived from SECRET_KEY under
the id ``local``; ``check --deploy`` says so, because whoever reads SECRET_KEY could then
forge links and signatures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tactful.audit.signing import PUBLIC_KEY_BYTES, SEED_BYTES, public_key_of
from tactful.key_lists import KeyListError, named_keys

LINK_KEY_BYTES = 32
LOCAL_KEY_ID = "local"


class AuditKeyError(ValueError):
    """An audit key that cannot be used: the message names it, never shows it."""


@dataclass(frozen=True)
class AuditKeys:
    """The link keys (the first, `link_key_id`, links new events) and the signing keys."""

    link_key_id: str
    # Out of repr: a traceback or log line never shows a key.
    link_keys: dict[str, bytes] = field(repr=False)
    signing_key_id: str
    signing_seed: bytes = field(repr=False)
    previous_public_keys: dict[str, bytes] = field(default_factory=dict)
    derived: bool = False

    @property
    def link_key(self) -> bytes:
        return self.link_keys[self.link_key_id]

    @property
    def public_key(self) -> bytes:
        return public_key_of(self.signing_seed)

    @property
    def trusted_public_keys(self) -> dict[str, bytes]:
        """Every public key whose signatures verify: the current one and earlier ones."""
        return {**self.previous_public_keys, self.signing_key_id: self.public_key}


def parse_audit_keys(
    link_keys: str, signing_key: str, previous_public_keys: str, *, secret_key: str
) -> AuditKeys:
    """Return the keys the variables describe; raise AuditKeyError when one is malformed."""
    try:
        links = named_keys(link_keys, "AUDIT_LINK_KEYS", size=LINK_KEY_BYTES)
        signing = named_keys(signing_key, "AUDIT_SIGNING_KEY", size=SEED_BYTES)
        previous = named_keys(
            previous_public_keys, "AUDIT_PREVIOUS_PUBLIC_KEYS", size=PUBLIC_KEY_BYTES
        )
    except KeyListError as error:
        raise AuditKeyError(str(error)) from None
    if len(signing) > 1:
        raise AuditKeyError(
            "AUDIT_SIGNING_KEY holds one key; earlier ones go, public, "
            "in AUDIT_PREVIOUS_PUBLIC_KEYS"
        )
    if bool(links) != bool(signing):
        raise AuditKeyError("set AUDIT_LINK_KEYS and AUDIT_SIGNING_KEY together")
    if not links:
        return _derived_keys(secret_key, previous)
    signing_key_id, seed = next(iter(signing.items()))
    if signing_key_id in previous:
        raise AuditKeyError(
            f"AUDIT_PREVIOUS_PUBLIC_KEYS names {signing_key_id!r}, the current signing key"
        )
    return AuditKeys(
        link_key_id=next(iter(links)),
        link_keys=links,
        signing_key_id=signing_key_id,
        signing_seed=seed,
        previous_public_keys=previous,
    )


def _derived_keys(secret_key: str, previous: dict[str, bytes]) -> AuditKeys:
    def derive(label: str) -> bytes:
        return hashlib.sha256(f"tactful-audit:{label}:{secret_key}".encode()).digest()

    return AuditKeys(
        link_key_id=LOCAL_KEY_ID,
        link_keys={LOCAL_KEY_ID: derive("link")},
        signing_key_id=LOCAL_KEY_ID,
        signing_seed=derive("signing"),
        previous_public_keys=previous,
        derived=True,
    )
