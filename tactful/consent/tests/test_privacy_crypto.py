import base64

import pytest

from tactful.privacy.crypto import DecryptionError, blind_index, decrypt, encrypt, key_id_of
from tactful.privacy.keys import Keyring, KeyringError, new_key, parse_keyring


def ring(*ids: str) -> Keyring:
    keys = ",".join(f"{key_id}:{new_key()}" for key_id in ids)
    return parse_keyring(keys, new_key(), secret_key="x")


def test_a_value_round_trips_and_names_its_key():
    keys = ring("k1")
    token = encrypt("张伟 +8613123456789", ring=keys)
    assert "13123456789" not in token
    assert key_id_of(token) == "k1"
    assert decrypt(token, ring=keys) == "张伟 +8613123456789"


def test_old_values_still_decrypt_after_a_new_key_is_put_first():
    old = ring("k1")
    token = encrypt("+12025550123", ring=old)
    rotated = Keyring(current="k2", keys={"k2": b"\x01" * 32, **old.keys}, index_key=old.index_key)
    assert decrypt(token, ring=rotated) == "+12025550123"
    assert key_id_of(encrypt("x", ring=rotated)) == "k2"


def test_an_altered_value_or_an_unknown_key_is_refused():
    keys = ring("k1")
    token = encrypt("secret", ring=keys)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        decrypt(tampered, ring=keys)
    with pytest.raises(DecryptionError):
        decrypt(token, ring=ring("k9"))


def test_the_blind_index_is_stable_and_keyed():
    keys = ring("k1")
    assert blind_index("phone", "+12025550123", ring=keys) == blind_index(
        "phone", "+12025550123", ring=keys
    )
    assert blind_index("phone", "+12025550123", ring=keys) != blind_index(
        "phone", "+12025550123", ring=ring("k1")
    )


@pytest.mark.parametrize(
    ("keys", "index"),
    [
        ("k1", new_key()),
        ("k1:not-base64!", new_key()),
        (f"k1:{base64.b64encode(b'short').decode()}", new_key()),
        (f"k1:{new_key()},k1:{new_key()}", new_key()),
        (f"k1:{new_key()}", ""),
    ],
)
def test_a_bad_key_configuration_is_refused(keys, index):
    with pytest.raises(KeyringError) as error:
        parse_keyring(keys, index, secret_key="x")
    assert new_key()[:8] not in str(error.value)


def test_without_keys_a_local_keyring_is_derived_from_the_secret_key():
    assert parse_keyring("", "", secret_key="s").current == "local"
