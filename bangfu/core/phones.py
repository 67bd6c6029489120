"""Phone numbers (联系电话): one mobile number, landline (with its area code) or 400/800 number.

One definition for the forms and the API (:class:`PhoneField`, normalized by every
``full_clean``) and for the ledger importer (``ledgers.cleaning.phone``). What people write is
stored one way: ``138 0000 0001``, ``138-0000-0001`` and ``+86 13800000001`` as
``13800000001``; ``(0737)4221234``, ``07374221234`` and ``+86 737 4221234`` as
``0737-4221234`` (area codes: 010 and 02x with 8-digit numbers, the others 4 digits with 7 or
8), an extension (``转801``, ``0737-4221234-801``) as ``0737-4221234转801``; ``4001234567`` as
``400-123-4567``; 无, 暂无, / and the like as blank. Two numbers in one value are refused: the
field holds one.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

NONE_WORDS = frozenset(
    ("无", "暂无", "没有", "无电话", "空", "/", "-", "--", "—", "——", "0", "none", "null", "n/a")
)
SEPARATORS = re.compile(r"[/、,，;；|\s]+|或")  # between two numbers
FILLER = re.compile(r"[\s()（）.]")  # inside one number
DASHES = re.compile(r"[-‐‑–—－]")
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"(0(?:10|2\d))([2-9]\d{7})|(0[3-9]\d{2})([2-9]\d{6,7})")
SERVICE = re.compile(r"([48]00)(\d{3})(\d{4})")
EXTENSION = re.compile(r"\d{1,5}")


def normalize(value):
    """``value`` as one stored phone number, or ``""``; :class:`ValidationError` otherwise."""
    value = str(value or "").strip()
    if len(value) == 11 and value.isascii() and MOBILE.fullmatch(value):  # most of them
        return value
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).strip()  # full-width digits, brackets
    if not value or value.lower() in NONE_WORDS:
        return ""
    if number := _one(value):
        return number
    parts = [part for part in SEPARATORS.split(value) if part]
    if len(parts) > 1 and all(_one(part) for part in parts):
        raise ValidationError(
            _("“%(value)s” holds several numbers: keep one."),
            code="several",
            params={"value": value},
        )
    if number := _one("".join(parts)):  # 13800000001, (a stray separator) or 0737/4221234
        return number
    raise ValidationError(
        _(
            "“%(value)s” is not a phone number: write an 11-digit mobile number, or a landline "
            "with its area code like 0737-4221234."
        ),
        code="phone",
        params={"value": value},
    )


def _one(text):
    """The one number ``text`` writes, as stored, or None."""
    number, marked, extension = text.partition("转")
    extension = extension.strip()
    if marked and not EXTENSION.fullmatch(extension):
        return None
    pieces = DASHES.split(FILLER.sub("", number))
    if (  # 0737-4221234-801
        not marked
        and len(pieces) >= 3
        and EXTENSION.fullmatch(pieces[-1])
        and (landline := _landline(_domestic("".join(pieces[:-1]))))
    ):
        return f"{landline}转{pieces[-1]}"
    digits = _domestic("".join(pieces))
    if not marked and MOBILE.fullmatch(digits):
        return digits
    if not marked and (service := SERVICE.fullmatch(digits)):
        return "-".join(service.groups())
    landline = _landline(digits)
    return f"{landline}转{extension}" if landline and marked else landline


def _domestic(digits):
    """``digits`` without a country code (+86, 0086, 86 before a mobile number), with the
    area code's leading 0 that the international form drops."""
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            return rest if MOBILE.fullmatch(rest) or rest.startswith("0") else "0" + rest
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


def _landline(digits):
    """``0737-4221234`` for a landline's digits with their area code, or None."""
    match = LANDLINE.fullmatch(digits)
    if not match:
        return None
    area, local = (match[1], match[2]) if match[1] else (match[3], match[4])
    return f"{area}-{local}"


class PhoneField(models.CharField):
    """A phone number column: ``full_clean`` (forms, services) stores what :func:`normalize`
    writes. Plain saves and queries take the value as it is: stored numbers written before
    this rule stay readable and savable until they are next edited."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        return super().clean(normalize(value), model_instance)

    def formfield(self, **kwargs):
        """A form field long enough for what people type (``+86 (0737) 4221 2345 转 801``);
        the stored number is checked against ``max_length`` once normalized."""
        return super().formfield(**{"max_length": 40, **kwargs})
