"""The blind-index keyring: PII_INDEX_KEYS (first computes), PII_INDEX_KEY (untagged)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tactful.privacy.crypto import (
    INDEX_LENGTH,
    blind_index,
    blind_indexes,
    index_key_id,
)
from tactful.privacy.keys import IndexKey, Keyring, KeyringError, new_key, parse_keyring

PII_KEYS = f"k1:{new_key()}"
NUMBER = "+8613100001234"


def secret(key: str) -> bytes:
    return base64.b64decode(key)


def test_the_first_of_pii_index_keys_computes_and_the_others_are_previous():
    new, old = new_key(), new_key()
    ring = parse_keyring(PII_KEYS, "", secret_key="x", index_keys=f"i2:{new},i1:{old}")

    assert [key.key_id for key in ring.index_ring] == ["i2", "i1"]
    assert ring.current_index_key == IndexKey("i2", secret(new))


def test_pii_index_key_alone_is_the_single_untagged_key_as_before():
    key = new_key()
    ring = parse_keyring(PII_KEYS, key, secret_key="x")

    expected = hmac.new(secret(key), f"phone:{NUMBER}".encode(), hashlib.sha256).hexdigest()
    assert blind_index("phone", NUMBER, ring=ring) == expected
    assert blind_indexes("phone", NUMBER, ring=ring) == [expected]
    assert index_key_id(expected) is None


def test_pii_index_key_with_pii_index_keys_is_the_oldest_previous_key():
    old, new = new_key(), new_key()
    ring = parse_keyring(PII_KEYS, old, secret_key="x", index_keys=f"i2:{new}")

    assert [key.key_id for key in ring.index_ring] == ["i2", None]
    before = blind_index("phone", NUMBER, ring=parse_keyring(PII_KEYS, old, secret_key="x"))
    after = blind_index("phone", NUMBER, ring=ring)
    assert after.startswith("i2:")
    assert index_key_id(after) == "i2"
    assert blind_indexes("phone", NUMBER, ring=ring)[0] == after
    assert before in blind_indexes("phone", NUMBER, ring=ring)


def test_a_tagged_index_fits_the_index_columns_even_with_the_longest_key_id():
    ring = parse_keyring(PII_KEYS, "", secret_key="x", index_keys=f"{'a' * 16}:{new_key()}")

    index = blind_index("phone", NUMBER, ring=ring)
    assert len(index) == INDEX_LENGTH
    assert len(index.partition(":")[2]) >= 47


def test_an_old_key_moved_into_pii_index_keys_still_finds_its_untagged_indexes():
    old = new_key()
    before = blind_index("phone", NUMBER, ring=parse_keyring(PII_KEYS, old, secret_key="x"))
    moved = parse_keyring(PII_KEYS, "", secret_key="x", index_keys=f"i2:{new_key()},i1:{old}")

    assert before in blind_indexes("phone", NUMBER, ring=moved)


def test_another_key_gives_other_indexes():
    first = parse_keyring(PII_KEYS, "", secret_key="x", index_keys=f"i1:{new_key()}")
    second = parse_keyring(PII_KEYS, "", secret_key="x", index_keys=f"i1:{new_key()}")
    assert blind_index("phone", NUMBER, ring=first) != blind_index("phone", NUMBER, ring=second)


SHORT = base64.b64encode(b"short").decode()
REPEATED = new_key()


@pytest.mark.parametrize(
    ("index_keys", "index_key", "named"),
    [
        ("i1", "", "PII_INDEX_KEYS"),
        ("i1:not-base64!", "", "PII_INDEX_KEYS"),
        (f"i1:{SHORT}", "", "PII_INDEX_KEYS"),
        (f"i1:{new_key()},i1:{new_key()}", "", "PII_INDEX_KEYS"),
        (f"bad id!:{new_key()}", "", "PII_INDEX_KEYS"),
        (f"i2:{REPEATED},i1:{REPEATED}", "", "PII_INDEX_KEYS"),
        (f"i2:{REPEATED}", REPEATED, "PII_INDEX_KEY"),
        ("", "not-base64!", "PII_INDEX_KEY"),
        ("", "", "PII_INDEX_KEYS"),
    ],
)
def test_a_bad_index_key_configuration_is_refused_naming_the_variable_not_the_key(
    index_keys, index_key, named
):
    with pytest.raises(KeyringError) as error:
        parse_keyring(PII_KEYS, index_key, secret_key="x", index_keys=index_keys)

    message = str(error.value)
    assert named in message
    for entry in (index_keys + "," + index_key).split(","):
        key = entry.rpartition(":")[2]
        if len(key) > 8:
            assert key[:8] not in message


def test_pii_index_keys_without_pii_keys_is_refused_rather_than_ignored():
    with pytest.raises(KeyringError, match="PII_INDEX_KEYS"):
        parse_keyring("", "", secret_key="x", index_keys=f"i1:{new_key()}")


def test_a_keyring_without_any_index_key_cannot_be_made():
    with pytest.raises(KeyringError):
        Keyring(current="k1", keys={"k1": b"1" * 32})


def test_the_local_keyring_indexes_untagged():
    ring = parse_keyring("", "", secret_key="s")
    assert index_key_id(blind_index("phone", NUMBER, ring=ring)) is None


def test_a_keyring_shows_no_key_when_printed():
    key, index = new_key(), new_key()
    ring = parse_keyring(f"k1:{key}", index, secret_key="x", index_keys=f"i2:{new_key()}")

    shown = repr(ring)
    for secret_bytes in (secret(key), secret(index), ring.index_keys[0].secret):
        assert repr(secret_bytes) not in shown
    assert "i2" in shown
