"""Chinese identity numbers: the resident ID (公民身份号码) and the USCC (统一社会信用代码).

Used by forms, the API and the spreadsheet importer, so the resident-ID path is pure Python
with everything (tables, regular expressions, messages) built once at import time.

Resident ID, GB 11643-1999, 18 characters::

    430903 19900101 123 4
    region birth    seq check

* The first six digits are the region of *first registration*. They are deliberately not
  checked against any list: old codes (e.g. 4323xx, the pre-1994 Yiyang codes) are still
  carried by genuine IDs, which is also why python-stdnum's ``cn.ric`` is not used here.
* Characters 7–14 are the birth date: a real calendar date, not before 1900-01-01 and not
  in the future.
* Character 17 is odd for men, even for women.
* Character 18 is the check character (:func:`check_character`); only it may be ``X``.

First-generation 15-digit IDs are refused: the 18-digit number must be asked for.

Spreadsheets: Excel keeps 15 significant digits, so an ID typed into a number cell comes
back as ``4.30903E+17``, ``430903199001011234.0`` or a float. The lost digits cannot be
recovered; such values are reported (code ``precision_lost``) and never guessed. A cell
formatted as a whole number shows ``430903199001011000`` instead: that looks like an ID, so
only the checksum catches it (code ``checksum``, with a hint about the spreadsheet), and
1 in 11 such values pass by chance: the importer should refuse number-typed ID cells.

Every failure raises :class:`django.core.exceptions.ValidationError` with one of these codes:
``required``, ``length``, ``precision_lost``, ``characters``, ``birth_date``, ``checksum``.
Messages never repeat the whole number (they end up in logs and import reports); at most
one character, or the birth date for ``birth_date`` errors.
"""

import re
import time
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

__all__ = [
    "check_character",
    "id_birth_date",
    "id_gender",
    "mask_id_number",
    "mask_phone",
    "normalize_id_number",
    "normalize_uscc",
    "validate_id_number",
    "validate_uscc",
]

ID_LENGTH = 18
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# GB 11643-1999: the weighted sum of the first 17 digits, mod 11, indexes CHECK_CHARS.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_LAST_CHARS = frozenset("0123456789X")

# Normalization: full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic and other Unicode
# spaces are removed by str.split(); zero-width characters (copied from web pages and Word)
# are not Unicode whitespace, so they are deleted explicitly.
_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TO_ASCII.update(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad")))

# How Excel and the libraries reading it print a number that was an ID: scientific notation
# ("4.30903E+17"), a trailing ".0" on 16+ digits ("430903199001011234.0"), or thousands
# separators ("430,903,199,001,011,000"). All of them mean the last digits are gone.
_EXCEL_NUMBER = re.compile(
    r"\d+(?:\.\d*)?E[+-]?\d+|\d{16,}\.\d*|\d{1,3}(?:,\d{3}){5,}(?:\.\d*)?", re.ASCII
)
_SHORT_DECIMAL = re.compile(r"(\d{1,15})\.0*", re.ASCII)
# Seconds east of UTC of the most advanced time zone (UTC+14): a birth date is "in the
# future" only when it is after today's date everywhere on Earth. This avoids a per-call
# time-zone conversion and does not depend on the server's local time zone.
_LATEST_OFFSET = 14 * 3600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

MSG_REQUIRED = _("Enter the 18-character ID number.")
MSG_LENGTH = ngettext_lazy(
    "An ID number has 18 characters; %(count)d character was given.",
    "An ID number has 18 characters; %(count)d characters were given.",
    "count",
)
MSG_FIRST_GENERATION = _(
    "This is an old 15-digit ID number, which is no longer accepted. "
    "Enter the person’s 18-digit ID number."
)
MSG_PRECISION_LOST = _(
    "The ID number was stored as a number in the spreadsheet, so its last digits were lost "
    "and it cannot be repaired. Format the column as text and enter the ID number again."
)
MSG_CHARACTER = _(
    "Character %(position)d of the ID number is “%(char)s”; only digits are allowed, "
    "and X only as the last character."
)
MSG_BIRTH_INVALID = _(
    "Characters 7–14 of the ID number (%(birth)s) are not a real date of birth (YYYYMMDD)."
)
MSG_BIRTH_FUTURE = _("The date of birth in the ID number (%(birth)s) is in the future.")
MSG_BIRTH_TOO_EARLY = _("The date of birth in the ID number (%(birth)s) is before 1900.")
MSG_CHECKSUM = _(
    "The ID number is mistyped: with these first 17 digits the last character must be "
    "“%(expected)s”, not “%(given)s”."
)
MSG_CHECKSUM_ZEROS = _(
    "The ID number is mistyped: with these first 17 digits the last character must be "
    "“%(expected)s”, not “%(given)s”. If it comes from a spreadsheet, the column was "
    "probably formatted as a number, which replaces the last digits with zeros: format it "
    "as text and enter the ID number again."
)

MSG_USCC_REQUIRED = _("Enter the 18-character unified social credit code.")
MSG_USCC_LENGTH = ngettext_lazy(
    "A unified social credit code has 18 characters; %(count)d character was given.",
    "A unified social credit code has 18 characters; %(count)d characters were given.",
    "count",
)
MSG_USCC_CHARACTERS = _(
    "A unified social credit code contains only digits and capital letters other than "
    "I, O, S, V and Z, and characters 3–8 are digits."
)
MSG_USCC_CHECKSUM = _(
    "The unified social credit code is mistyped: with these first 17 characters the last "
    "one must be “%(expected)s”, not “%(given)s”."
)
MSG_USCC_FLOAT = _(
    "The unified social credit code was stored as a number in the spreadsheet, so its last "
    "digits were lost and it cannot be repaired. Format the column as text and enter it again."
)

# GB 32100-2015 alphabet (stdnum's, which omits I, O, S, V and Z).
_USCC_ALPHABET = frozenset(stdnum_uscc._alphabet)
# First character: the registering authority (1–9, A = CMC reform office, N = agriculture,
# Y = other). stdnum 2.2 accepts only digits there and so rejects the N1/N2/N3 codes of
# rural collective economic organisations (村/组/乡镇级集体经济组织), see validate_uscc.
_USCC_LETTER_AUTHORITIES = frozenset("ANY")


def _clean(raw, float_message):
    """Whitespace-free, ASCII, upper-case text of ``raw`` (str, int, float, Decimal …)."""
    if isinstance(raw, str):
        text = raw
    elif raw is None:
        return ""
    elif isinstance(raw, float):
        # Excel holds 15 significant digits; a float is only exact below 10**15, and such a
        # number is too short anyway (it is reported as a length error).
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        raise ValidationError(float_message, code="precision_lost")
    elif isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    else:
        text = str(raw)
    if not text.isascii():
        text = text.translate(_TO_ASCII)
    return "".join(text.split()).upper()


def normalize_id_number(raw):
    """Return ``raw`` as a compact ASCII string, ready for :func:`validate_id_number`.

    Removes all whitespace (also U+3000 ideographic space, line breaks and zero-width
    characters), converts full-width digits and letters to ASCII and upper-cases ``x``.
    An ``int`` (a number cell) is converted exactly. A ``float`` that could hold an ID has
    lost digits: :class:`ValidationError` with code ``precision_lost``. ``None`` gives ``""``.
    Nothing is validated here.
    """
    return _clean(raw, MSG_PRECISION_LOST)


def _checksum(body):
    """Check character of 17 ASCII digits (no argument checking: internal fast path).

    Same result as ``CHECK_CHARS[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]``,
    about 5 times faster: the weight of position i (0-based) is 2**(17 - i) mod 11, and
    13 ≡ 2 (mod 11), so reading the digits as a base-13 number (done in C by ``int``) gives
    ``int(body, 13) ≡ Σ d_i·2**(16 - i)``, i.e. half the weighted sum, mod 11.
    The tests compare both forms on random bodies.
    """
    return CHECK_CHARS[2 * int(body, 13) % 11]


def check_character(body17):
    """The GB 11643-1999 check character (``0``–``9`` or ``X``) for 17 ASCII digits.

    Raises :class:`ValueError` if ``body17`` is not exactly 17 ASCII digits.
    """
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError(f"expected 17 ASCII digits, got {len(body17)} characters")
    return _checksum(body17)


def _shape_error(number):
    """The error for a value that is not 17 ASCII digits followed by a digit or X."""
    if not number:
        return ValidationError(MSG_REQUIRED, code="required")
    if _EXCEL_NUMBER.fullmatch(number):  # also catches 18-character forms: 4.309031990010E+17
        return ValidationError(MSG_PRECISION_LOST, code="precision_lost")
    if len(number) != ID_LENGTH:
        short = _SHORT_DECIMAL.fullmatch(number)
        if short:  # "130503670401001.0": an exact number cell holding a too short value
            number = short.group(1)
        if len(number) == 15 and number.isdigit():
            return ValidationError(MSG_FIRST_GENERATION, code="length")
        return ValidationError(MSG_LENGTH, code="length", params={"count": len(number)})
    for index, char in enumerate(number):
        if not ("0" <= char <= "9" or (char == "X" and index == ID_LENGTH - 1)):
            return ValidationError(
                MSG_CHARACTER, code="characters", params={"position": index + 1, "char": char}
            )
    raise AssertionError(f"{number!r} has a valid shape")  # pragma: no cover


def validate_id_number(raw):
    """Return the normalized 18-character resident ID or raise :class:`ValidationError`.

    See the module docstring for the rules and the error codes. The region code is not
    checked, so IDs carrying historical region codes are valid.
    """
    number = _clean(raw, MSG_PRECISION_LOST)
    body = number[:17]
    if not (
        len(number) == ID_LENGTH
        and number.isascii()
        and body.isdigit()
        and number[17] in _LAST_CHARS
    ):
        raise _shape_error(number)
    try:
        birth = id_birth_date(number)
    except ValueError:
        raise ValidationError(
            MSG_BIRTH_INVALID, code="birth_date", params={"birth": number[6:14]}
        ) from None
    if birth < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            MSG_BIRTH_TOO_EARLY, code="birth_date", params={"birth": birth.isoformat()}
        )
    if birth.toordinal() > (int(time.time()) + _LATEST_OFFSET) // 86400 + _EPOCH_ORDINAL:
        raise ValidationError(
            MSG_BIRTH_FUTURE, code="birth_date", params={"birth": birth.isoformat()}
        )
    expected = _checksum(body)
    if number[17] != expected:
        message = MSG_CHECKSUM_ZEROS if number.endswith("000") else MSG_CHECKSUM
        raise ValidationError(
            message, code="checksum", params={"expected": expected, "given": number[17]}
        )
    return number


def id_birth_date(number):
    """Date of birth encoded in a valid 18-character ID (characters 7–14)."""
    return date.fromisoformat(number[6:14])  # YYYYMMDD (Python ≥ 3.11)


def id_gender(number):
    """``"M"`` if character 17 of a valid ID is odd (men), else ``"F"``."""
    return "M" if int(number[16]) % 2 else "F"


def normalize_uscc(raw):
    """Unified social credit code without whitespace, hyphens, full-width or lower case."""
    return _clean(raw, MSG_USCC_FLOAT).replace("-", "")


def validate_uscc(raw):
    """Return the compact unified social credit code (GB 32100-2015) or raise ValidationError.

    Normalized like an ID number, then checked with ``stdnum.cn.uscc.validate``. Codes
    issued by the agriculture authorities to rural collective economic organisations start
    with a letter (``N2430903…`` for a village collective); stdnum 2.2 refuses any letter in
    the first two characters, so those are checked here with stdnum's check-digit function.
    Error codes: ``required``, ``length``, ``precision_lost``, ``characters``, ``checksum``.
    """
    code = normalize_uscc(raw)
    if not code:
        raise ValidationError(MSG_USCC_REQUIRED, code="required")
    try:
        return stdnum_uscc.validate(code)
    except stdnum_exceptions.InvalidLength:
        if _EXCEL_NUMBER.fullmatch(code):
            raise ValidationError(MSG_USCC_FLOAT, code="precision_lost") from None
        raise ValidationError(MSG_USCC_LENGTH, code="length", params={"count": len(code)}) from None
    except stdnum_exceptions.InvalidFormat:
        letter_authority = (
            code[0] in _USCC_LETTER_AUTHORITIES
            and code[1].isdigit()
            and code[2:8].isdigit()
            and code.isascii()
            and _USCC_ALPHABET.issuperset(code)
        )
        if not letter_authority:
            raise ValidationError(MSG_USCC_CHARACTERS, code="characters") from None
    except stdnum_exceptions.InvalidChecksum:
        pass
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(
            MSG_USCC_CHECKSUM, code="checksum", params={"expected": expected, "given": code[17]}
        )
    return code


def mask_id_number(number):
    """``430903********1234``: first 6 and last 4 characters, always 8 asterisks between.

    Values too short to keep 10 characters and still hide something are fully masked.
    """
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}********{number[-4:]}"


def mask_phone(phone):
    """``138****8000`` for an 11-digit mobile number, otherwise ``****`` + the last 4 (of
    the number, not of its extension: ``0737-4221234转801`` is ``****1234``).

    Spaces and hyphens are ignored (``138 0013 8000``). Empty input gives ``""``.
    """
    if not phone:
        return ""
    digits = "".join(str(phone).partition("转")[0].split()).replace("-", "")
    if len(digits) == 11 and digits.isascii() and digits.isdigit() and digits[0] == "1":
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" + (digits[-4:] if len(digits) > 4 else "")
