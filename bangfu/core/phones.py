"""Phone numbers (联系电话): one mobile number, landline (with its area code) or 400/800 number.

One definition for the forms and the API (:class:`PhoneField`, normalized by every
``full_clean``) and for the ledger importer (``ledgers.cleaning.phone``). What people write is
stored one way: ``138 0000 0001``, ``手机：138-0000-0001`` and ``+86 13800000001`` as
``13800000001``; ``(0737)4221234``, ``07374221234`` and ``+86 737 4221234`` as
``0737-4221234`` (area codes: 010 and 02x with 8-digit numbers, the others 4 digits with 7 or
8), an extension (``转801``, ``分机801``, ``ext 801``, ``0737-4221234-801``) as
``0737-4221234转801``; ``4001234567`` as ``400-123-4567``; 无, 暂无, 不详, / and the like as
blank. Two numbers in one value (``13800000001/13900000002``, ``0731-8888888/9``) are refused:
the field holds one, and a second line's digits are never glued onto the first.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

TYPED_LENGTH = 40  # what forms and the API accept before normalizing (stored: at most 20)
NONE_WORDS = frozenset(
    ("无", "暂无", "没有", "无电话", "未知", "不详", "空", "/", "-", "--", "—", "——", "0")
    + ("none", "null", "n/a", "na")
)
LABEL = re.compile(r"^(?:联系电话|联系方式|手机号码|手机号|手机|电话|座机|tel|mobile)[:：]?", re.I)
REMARK = re.compile(r"[(（][^\d()（）]*[)）]$")  # 13800000001（本人）
SEPARATORS = re.compile(r"[/、,，;；|\s]+|或")  # between two numbers
FILLER = re.compile(r"[\s()（）.]")  # inside one number
DASHES = re.compile(r"[-‐‑–—－]")
EXTENSION_MARK = re.compile(r"转|分机|ext\.?|x|#", re.I)
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"(0(?:10|2\d))([2-9]\d{7})|(0[3-9](?!00)\d{2})([2-9]\d{6,7})")
SERVICE = re.compile(r"([48]00)(\d{3})(\d{4})")
EXTENSION = re.compile(r"\d{1,5}")
AREA_CODE = re.compile(r"0\d{2,3}")


def normalize(value):
    """``value`` as one stored phone number, or ``""``; :class:`ValidationError` otherwise."""
    value = str(value or "").strip()
    if len(value) == 11 and value.isascii() and MOBILE.fullmatch(value):  # most of them
        return value
    if not value.isascii():  # full-width digits and brackets; no zero-width spaces
        value = unicodedata.normalize("NFKC", value)
        value = "".join(c for c in value if unicodedata.category(c) != "Cf").strip()
    value = REMARK.sub("", LABEL.sub("", value)).strip()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]  # a number cell saved as text by a CSV export
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
    if len(parts) == 2 and AREA_CODE.fullmatch(parts[0]):
        parts = ["".join(parts)]  # 0737/4221234: an area code set apart
    if len(parts) == 1 and (number := _one(parts[0])):  # a stray separator: 13800000001，
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
    number, *extension = EXTENSION_MARK.split(text, maxsplit=1)
    marked, extension = bool(extension), "".join(extension).strip()
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
    digits = "".join(pieces)
    if not marked and (service := SERVICE.fullmatch(_national(digits))):
        return "-".join(service.groups())
    digits = _domestic(digits)
    if not marked and MOBILE.fullmatch(digits):
        return digits
    landline = _landline(digits)
    return f"{landline}转{extension}" if landline and marked else landline


def _national(digits):
    """``digits`` without a +86 or 0086 country code."""
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def _domestic(digits):
    """``digits`` as dialled at home: without a country code (+86, 0086, 86 before a mobile
    number), with the area code's leading 0 that the international form drops."""
    if (rest := _national(digits)) != digits:
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
        return super().formfield(**{"max_length": TYPED_LENGTH, **kwargs})
