"""Protection of personal data at rest (ID numbers, phone numbers) with ``cryptography``.

For each protected value a model stores three things, never the plain value:

* the **ciphertext**, ``encrypt(value)``: AES-256-GCM, readable only with the key, for the
  few places that must show or export the full value;
* the **blind index**, ``blind_index(value)``: a keyed HMAC-SHA256 of the normalized value,
  so "is this ID number already registered?" and exact search are an indexed equality
  lookup without decrypting anything. It must be keyed: there are only about 10**11
  possible ID numbers, so a plain hash, or one salted with a value stored beside it, is
  reversed by brute force in hours;
* a **masked copy** (``identity.mask_id_number`` / ``identity.mask_phone``) for lists and
  screens, which need no key at all.

Both keys are derived from ``settings.PII_KEY`` (environment variable ``BANGFU_PII_KEY``),
which lives outside the database, with HKDF-SHA256 and two different ``info`` labels, so
the encryption key and the index key are independent. Consequences:

* **Losing PII_KEY makes every ciphertext unreadable** and every blind index unmatchable;
  there is no recovery. Back it up separately from the database backups.
* **Rotating PII_KEY requires re-encrypting every ciphertext and recomputing every blind
  index** (decrypt with the old key, encrypt and index with the new one), in one
  maintenance operation: until then, old rows neither decrypt nor match.
* A database dump alone (without the key) reveals only masked copies.

Token format: ``v1:`` + URL-safe base64 (with padding) of ``nonce (12 bytes) ‖ ciphertext ‖
GCM tag (16 bytes)``; the ``v1`` label is also authenticated as associated data. Its length is
``3 + 4 * ceil((28 + n) / 3)`` characters for ``n`` UTF-8 bytes: 67 for an 18-digit ID number,
so a ``CharField(max_length=100)`` or a ``TextField`` holds it.

The spreadsheet importer calls ``blind_index`` and ``encrypt`` about a million times, so the
derived keys and the ``AESGCM`` object are cached per PII_KEY value, and the current value is
looked up once: a change of ``settings.PII_KEY`` is seen through Django's ``setting_changed``
signal (``override_settings`` and pytest-django's ``settings`` fixture send it; assigning to
``django.conf.settings`` directly does not). Nonces come from ``os.urandom`` a few thousand at
a time (one system call each cost more than the encryption), per thread; a forked process
starts a pool of its own, so no two processes ever use the same nonce.
"""

import binascii
import functools
import hmac
import os
import threading
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = ["blind_index", "decrypt", "encrypt", "normalize_for_index"]

VERSION = "v1"
_PREFIX = VERSION + ":"
_AAD = b"bangfu-pii-" + VERSION.encode("ascii")
_ENCRYPTION_INFO = b"bangfu pii v1: AES-256-GCM encryption key"
_INDEX_INFO = b"bangfu pii v1: HMAC-SHA256 blind index key"
_NONCE_BYTES = 12
_NONCE_POOL = 4096  # nonces drawn from the OS at once
_nonces = threading.local()
_TAG_BYTES = 16
# Standard base64 <-> URL-safe base64, as byte translation tables (built once).
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _derive(secret, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@functools.lru_cache(maxsize=4)
def _keys(pii_key):
    """``(AESGCM, HMAC template)`` for one PII_KEY string; cached, so derived once per key.

    The HMAC template has absorbed the index key; :func:`blind_index` copies it, which skips
    the per-call key setup of ``hmac.digest`` (about half the cost of a blind index).
    """
    secret = pii_key.encode("utf-8")
    aesgcm = AESGCM(_derive(secret, _ENCRYPTION_INFO))
    index_hmac = hmac.new(_derive(secret, _INDEX_INFO), digestmod="sha256")
    return aesgcm, index_hmac


@functools.cache
def _current_keys():
    """The keys of ``settings.PII_KEY``, looked up once: an import calls this two million
    times, and each ``settings`` attribute read costs a lazy-object lookup."""
    pii_key = getattr(settings, "PII_KEY", "")
    if not pii_key or not isinstance(pii_key, str):
        raise ImproperlyConfigured("settings.PII_KEY (BANGFU_PII_KEY) must be a non-empty string")
    return _keys(pii_key)


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    """A changed PII_KEY (tests override it) is looked up again."""
    if setting == "PII_KEY":
        _current_keys.cache_clear()


def encrypt(text):
    """Encrypt ``text`` with AES-256-GCM under a fresh random nonce; return an ASCII token.

    Encrypting the same value twice gives two different tokens; use :func:`blind_index`
    to compare or look up values.
    """
    if not isinstance(text, str):
        raise TypeError(f"encrypt() takes a str, not {type(text).__name__}")
    aesgcm, _ = _current_keys()
    nonce = _nonce()
    sealed = nonce + aesgcm.encrypt(nonce, text.encode("utf-8"), _AAD)
    return _PREFIX + binascii.b2a_base64(sealed, newline=False).translate(_TO_URLSAFE).decode()


def _nonce():
    """Fresh random bytes for one encryption, from this thread's pool of ``os.urandom``."""
    try:
        return next(_nonces.pool)
    except (AttributeError, StopIteration):
        data = os.urandom(_NONCE_BYTES * _NONCE_POOL)
        _nonces.pool = iter([data[i : i + _NONCE_BYTES] for i in range(0, len(data), _NONCE_BYTES)])
        return next(_nonces.pool)


def _forget_nonces():
    """In a forked child: the parent's pool is the parent's alone."""
    _nonces.pool = iter(())


os.register_at_fork(after_in_child=_forget_nonces)


def decrypt(token):
    """Return the text of a token made by :func:`encrypt` with the current PII_KEY.

    Raises :class:`ValueError` if the token is malformed, was altered, or was encrypted
    with another PII_KEY (AES-GCM cannot tell the last two apart; the message names both).
    """
    if not isinstance(token, str) or not token.startswith(_PREFIX) or not token.isascii():
        raise ValueError(f"not a personal-data token (expected text starting with {_PREFIX!r})")
    body = token[len(_PREFIX) :].encode("ascii")
    try:
        sealed = binascii.a2b_base64(body.translate(_FROM_URLSAFE), strict_mode=True)
    except binascii.Error:
        raise ValueError("personal-data token is damaged: invalid base64") from None
    # Only the canonical encoding is accepted, so that no two different strings decrypt.
    if (
        len(sealed) < _NONCE_BYTES + _TAG_BYTES
        or binascii.b2a_base64(sealed, newline=False).translate(_TO_URLSAFE) != body
    ):
        raise ValueError("personal-data token is damaged: wrong length or encoding")
    aesgcm, _ = _current_keys()
    try:
        plain = aesgcm.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _AAD)
    except InvalidTag:
        raise ValueError(
            "cannot decrypt personal data: the token was altered or was encrypted with a "
            "different PII_KEY (was BANGFU_PII_KEY changed or lost?)"
        ) from None
    return plain.decode("utf-8")


def normalize_for_index(text):
    """The form of ``text`` that :func:`blind_index` hashes.

    Unicode NFKC (full-width ``３６０４…``, ``ｘ`` → ASCII), all whitespace removed, upper
    case: the ways one value is typed in forms and spreadsheets all give the same index.
    Callers should still validate first (``identity.validate_id_number``), so that the
    index is of the canonical value.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).upper()


def blind_index(text):
    """HMAC-SHA256 (64 hex characters) of the normalized ``text`` under the index key.

    Deterministic for a given PII_KEY, so it can be stored in a unique, indexed column and
    searched by equality; without the key it reveals nothing, not even to brute force.
    """
    if not isinstance(text, str):
        raise TypeError(f"blind_index() takes a str, not {type(text).__name__}")
    mac = _current_keys()[1].copy()
    mac.update(normalize_for_index(text).encode("utf-8"))
    return mac.hexdigest()
