"""Phone numbers (联系电话): one 11-digit mobile number, or a landline with its area code.

One definition for the forms and the API (:class:`PhoneField`, normalized by every
``full_clean``) and for the ledger importer (``ledgers.cleaning.phone``). What people write is
accepted and stored one way: ``138 0000 0001``, ``138-0000-0001`` and ``+86 13800000001`` as
``13800000001``; ``(0737)4221234`` and ``07374221234`` as ``0737-4221234`` (the area code has
3 digits for 010 and 02x, else 4), an extension as ``0737-4221234转801``; 无, 暂无, / and the
like as blank. Two numbers in one value are refused: the field holds one.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

NONE_WORDS = frozenset(
    ("无", "暂无", "没有", "无电话", "空", "/", "-", "--", "—", "——", "0", "none", "null", "n/a")
)
SEVERAL = re.compile(r"[/、,，;；|]|或")
FILLER = re.compile(r"[\s\-‐‑–—()（）.]")  # spaces, hyphens, brackets around an area code
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")
EXTENSION = re.compile(r"\d{1,5}")
COUNTRY = ("+86", "0086")


def normalize(value):
    """``value`` as one stored phone number, or ``""``; :class:`ValidationError` otherwise."""
    if not value:
        return ""
    value = str(value).strip()
    if len(value) == 11 and value.isascii() and MOBILE.fullmatch(value):  # most of them
        return value
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)  # full-width digits and brackets
    if value.lower() in NONE_WORDS:
        return ""
    if SEVERAL.search(value):
        raise ValidationError(
            _("“%(value)s” holds several numbers: keep one (the person's own mobile)."),
            code="several",
            params={"value": value},
        )
    number, marked, extension = value.partition("转")
    digits = FILLER.sub("", number)
    for prefix in COUNTRY:
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("861"):  # 86 without its +
        digits = digits[2:]
    if not marked and MOBILE.fullmatch(digits):
        return digits
    landline = LANDLINE.fullmatch(digits)
    if landline and (not marked or EXTENSION.fullmatch(extension.strip())):
        return "-".join(landline.groups()) + (f"转{extension.strip()}" if marked else "")
    raise ValidationError(
        _(
            "“%(value)s” is not a phone number: write an 11-digit mobile number, or a landline "
            "with its area code like 0737-4221234."
        ),
        code="phone",
        params={"value": value},
    )


class PhoneField(models.CharField):
    """A phone number column: ``full_clean`` stores the value as :func:`normalize` writes it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize(super().to_python(value))
