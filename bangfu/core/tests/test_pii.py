"""Encryption and blind index of personal data (no database needed)."""

import base64
import hashlib
import os
import re
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from bangfu.core.pii import blind_index, decrypt, encrypt

ID_NUMBER = "360426199101010071"
KEY = "test-pii-key-Zr4Xe8Tq1Wb6Ny3Mk9Lp2Hs7Vd5Cf0Gj-Ao_Ui3Pl5Ok7Ij9Uh1Yg2Tf"
OTHER_KEY = "another-pii-key-q7Vb2xN9kLm4Rt8Wp3Zc6Hy1Js5Df0Ga-Ue_Io9Qw2Er4Ty6Ui8Op0As"
TOKEN = re.compile(r"v1:[A-Za-z0-9_-]+={0,2}")


@pytest.fixture(autouse=True)
def pii_key(settings):
    settings.PII_KEY = KEY


def test_round_trip():
    token = encrypt(ID_NUMBER)
    assert TOKEN.fullmatch(token)
    assert token.isascii()
    assert ID_NUMBER not in token
    assert len(token) == 67  # documented size for an 18-character ID number
    assert decrypt(token) == ID_NUMBER


def test_round_trip_of_non_ascii_and_empty_text():
    for text in ["张三", "", "湖南省益阳市赫山区 龙岭产业开发区"]:
        assert decrypt(encrypt(text)) == text


def test_same_value_encrypts_differently_each_time():
    first, second = encrypt(ID_NUMBER), encrypt(ID_NUMBER)
    assert first != second  # random nonce
    assert decrypt(first) == decrypt(second) == ID_NUMBER


def _nonce(token):
    return base64.urlsafe_b64decode(token[3:])[:12]


def test_nonces_never_repeat_across_pool_refills_threads_and_forks(monkeypatch):
    from bangfu.core import pii

    monkeypatch.setattr(pii, "_NONCE_POOL", 3)  # refilled every 3 encryptions
    nonces = [_nonce(encrypt(ID_NUMBER)) for _n in range(10)]
    thread_nonces = []
    thread = threading.Thread(target=lambda: thread_nonces.append(_nonce(encrypt("x"))))
    thread.start()
    thread.join()
    reader, writer = os.pipe()
    encrypt(ID_NUMBER)  # this process holds unused nonces in its pool now
    child = os.fork()
    if child == 0:  # the child sends its first nonce and leaves at once
        os.write(writer, _nonce(encrypt(ID_NUMBER)))
        os._exit(0)
    os.waitpid(child, 0)
    child_nonce = os.read(reader, 12)
    parent_nonce = _nonce(encrypt(ID_NUMBER))
    all_nonces = [*nonces, *thread_nonces, child_nonce, parent_nonce]
    assert len(set(all_nonces)) == len(all_nonces) == 13


def _flip(token, index):
    """The token with the base64 character at ``index`` replaced by another one."""
    char = token[index]
    return token[:index] + ("A" if char != "A" else "B") + token[index + 1 :]


@pytest.mark.parametrize("index", [3, 10, 20, 40, -4])  # nonce, ciphertext and tag bytes
def test_tampered_token_raises(index):
    token = encrypt(ID_NUMBER)
    with pytest.raises(ValueError, match="altered|damaged"):
        decrypt(_flip(token, index))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t + "AAAA",  # extended
        lambda t: t[:30] + "!" + t[30:],  # junk character
        lambda t: "v2" + t[2:],  # unknown version
        lambda t: t[3:],  # prefix stripped
        lambda t: "v1:",
        lambda t: "v1:AAAA",  # too short to hold nonce and tag
    ],
)
def test_malformed_token_raises(mangle):
    with pytest.raises(ValueError):
        decrypt(mangle(encrypt(ID_NUMBER)))


def test_every_single_character_change_is_refused():
    token = encrypt(ID_NUMBER)
    for index in range(3, len(token)):
        with pytest.raises(ValueError):
            decrypt(_flip(token, index))


def test_other_key_cannot_decrypt(settings):
    token = encrypt(ID_NUMBER)
    index = blind_index(ID_NUMBER)
    settings.PII_KEY = OTHER_KEY
    with pytest.raises(ValueError, match="different PII_KEY"):
        decrypt(token)
    assert blind_index(ID_NUMBER) != index
    settings.PII_KEY = KEY
    assert decrypt(token) == ID_NUMBER
    assert blind_index(ID_NUMBER) == index


def test_missing_key_is_a_configuration_error(settings):
    settings.PII_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        encrypt(ID_NUMBER)
    with pytest.raises(ImproperlyConfigured):
        blind_index(ID_NUMBER)


def test_blind_index_is_a_deterministic_keyed_hex_digest():
    index = blind_index(ID_NUMBER)
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert blind_index(ID_NUMBER) == index
    assert ID_NUMBER not in index
    assert blind_index("360426199101010072") != index


def test_stored_format_is_stable():
    """Tokens and indexes are persisted: a change here breaks every existing row.

    Known answers for KEY, computed independently (HKDF-SHA256 with the documented ``info``
    label, then a plain ``hmac.digest``). If this fails, the change needs a data migration.
    """
    assert (
        blind_index(ID_NUMBER) == "33a496e71f43ee98a118bdf3f7f4083c24e56cb81a62dae44b285f1e7302a452"
    )
    token = "v1:ocw7r5EGl-cu266HVyIW9lQhnAreCPerRDQuZVwHSTfykpJ5VAe0hlgWuQlEvQ=="
    assert decrypt(token) == ID_NUMBER


def test_blind_index_is_not_an_unkeyed_hash():
    assert blind_index(ID_NUMBER) != hashlib.sha256(ID_NUMBER.encode()).hexdigest()


def test_blind_index_normalizes():
    expected = blind_index("11010519491231002X")
    assert blind_index("11010519491231002x") == expected
    assert blind_index(" 110105 19491231002X\n") == expected
    assert blind_index("１１０１０５１９４９１２３１００２ｘ") == expected


def test_wrong_types_are_refused():
    with pytest.raises(TypeError):
        encrypt(360426199101010071)
    with pytest.raises(TypeError):
        blind_index(None)
    with pytest.raises(ValueError):
        decrypt(None)


@given(st.text())
def test_round_trip_of_any_text(text):
    token = encrypt(text)
    assert TOKEN.fullmatch(token)
    assert decrypt(token) == text


@given(st.text(min_size=1))
def test_blind_index_of_any_text(text):
    index = blind_index(text)
    assert len(index) == 64
    assert blind_index(text) == index
