"""Resident ID and USCC validation, normalization and masking (no database needed)."""

import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from bangfu.core.identity import (
    CHECK_CHARS,
    WEIGHTS,
    check_character,
    id_birth_date,
    id_gender,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
    validate_uscc,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """Message assertions below read the English msgids (zh-Hans is the default language)."""
    with translation.override("en"):
        yield


# DOMAIN.md test vectors.
VALID_IDS = [
    "11010519491231002X",
    "360426199101010071",
    "120103198806018241",
    "230306196304054513",
    "440308199901101512",
]
BAD_CHECK_DIGIT = "360426199101010072"
DIGITS = "0123456789"


def with_check(body17):
    return body17 + check_character(body17)


def error_code(raw, validate=validate_id_number):
    with pytest.raises(ValidationError) as info:
        validate(raw)
    return info.value.code


# --- resident ID: valid numbers ------------------------------------------------------------


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_test_vectors(number):
    assert validate_id_number(number) == number
    assert check_character(number[:17]) == number[17]


def test_historical_region_code_is_valid():
    # 432301: an old Yiyang code, no longer in the division list; the checksum decides.
    number = with_check("43230119780615301")
    assert validate_id_number(number) == number


def test_unknown_region_code_is_valid():
    number = with_check("99999919850301123")
    assert validate_id_number(number) == number


def test_check_character_matches_the_weighted_sum_definition():
    rng = random.Random(11643)
    for _ in range(2000):
        body = "".join(rng.choice(DIGITS) for _ in range(17))
        total = sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True))
        assert check_character(body) == CHECK_CHARS[total % 11]


@pytest.mark.parametrize(
    "body", ["", "1234567890123456", "123456789012345678", "1234567890123456X"]
)
def test_check_character_refuses_a_bad_body(body):
    with pytest.raises(ValueError):
        check_character(body)


def test_birth_date_and_gender():
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "F"  # character 17: 2
    assert id_birth_date("230306196304054513") == date(1963, 4, 5)
    assert id_gender("230306196304054513") == "M"  # character 17: 1
    assert id_gender("120103198806018241") == "F"  # 4
    assert id_gender("440308199901101512") == "M"  # 1


# --- resident ID: normalization ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "３６０４２６１９９１０１０１００７１",  # full-width digits
        " 360426 19910101 0071\n",  # spaces and a line break
        "360426\u300019910101\t0071\r\n",  # ideographic space, tab, CRLF from a cell
        "\ufeff360426199101010071\u200b",  # BOM and zero-width space from copy-paste
        360426199101010071,  # an integer number cell
    ],
)
def test_normalization(raw):
    assert normalize_id_number(raw) == "360426199101010071"
    assert validate_id_number(raw) == "360426199101010071"


@pytest.mark.parametrize(
    "raw", ["11010519491231002x", "11010519491231002ｘ", "１１０１０５１９４９１２３１００２Ｘ"]
)
def test_lowercase_and_full_width_x(raw):
    assert validate_id_number(raw) == "11010519491231002X"


def test_normalize_none_and_short_exact_float():
    assert normalize_id_number(None) == ""
    assert normalize_id_number(130503670401001.0) == "130503670401001"


# --- resident ID: each failure code --------------------------------------------------------


def test_wrong_check_character():
    with pytest.raises(ValidationError) as info:
        validate_id_number(BAD_CHECK_DIGIT)
    error = info.value
    assert error.code == "checksum"
    assert error.params == {"expected": "1", "given": "2"}
    assert "“1”" in error.messages[0]


def test_trailing_zeros_checksum_error_mentions_the_spreadsheet():
    # What a number-formatted Excel cell shows for 360426199101010071 (15 digits kept).
    with pytest.raises(ValidationError) as info:
        validate_id_number("360426199101010000")
    assert info.value.code == "checksum"
    assert "spreadsheet" in info.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "count"),
    [("36042619910101007", 17), ("3604261991010100711", 19), ("3604", 4)],
)
def test_wrong_length_says_how_many(raw, count):
    with pytest.raises(ValidationError) as info:
        validate_id_number(raw)
    assert info.value.code == "length"
    assert info.value.params == {"count": count}
    message = info.value.messages[0]
    assert str(count) in message and "18" in message


def test_first_generation_15_digit_id_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_id_number("130503670401001")
    assert info.value.code == "length"
    assert "18-digit" in info.value.messages[0]


def test_empty_is_required():
    assert error_code("") == "required"
    assert error_code(" \u3000\n") == "required"
    assert error_code(None) == "required"


@pytest.mark.parametrize(
    "raw",
    [
        "4.30903E+17",  # Excel's General format
        "4.30903e+17",
        "4.309031990010E+17",  # 18 characters, still scientific notation
        "430903199001011234.0",  # a float printed by a reader library
        "430,903,199,001,011,000",  # number format with thousands separators
        4.30903199001011e17,  # the float itself
        430903199001011234.0,
    ],
)
def test_excel_precision_lost(raw):
    with pytest.raises(ValidationError) as info:
        validate_id_number(raw)
    assert info.value.code == "precision_lost"
    message = info.value.messages[0]
    assert "text" in message and "cannot be repaired" in message


def test_float_precision_lost_raised_by_normalize():
    with pytest.raises(ValidationError) as info:
        normalize_id_number(4.30903199001011e17)
    assert info.value.code == "precision_lost"


@pytest.mark.parametrize(
    ("raw", "position", "char"),
    [
        ("36042619910101O071", 15, "O"),  # letter O typed for zero
        ("3604261991010100X1", 17, "X"),  # X only allowed last
        ("360426-19910101007", 7, "-"),
        ("٣60426199101010071", 1, "٣"),  # Arabic-Indic digit: isdigit() but not ASCII
    ],
)
def test_non_digit_characters(raw, position, char):
    with pytest.raises(ValidationError) as info:
        validate_id_number(raw)
    assert info.value.code == "characters"
    assert info.value.params == {"position": position, "char": char}


@pytest.mark.parametrize(
    "body",
    [
        "43090319900230123",  # 30 February
        "43090319901301123",  # month 13
        "43090319900000123",  # month 0
        "43090318991231123",  # before 1900
        "43090320991231123",  # in the future
    ],
)
def test_birth_date(body):
    assert error_code(with_check(body)) == "birth_date"


# --- resident ID: properties ---------------------------------------------------------------

regions = st.text(alphabet=DIGITS, min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
sequences = st.text(alphabet=DIGITS, min_size=3, max_size=3)


@st.composite
def valid_ids(draw):
    body = draw(regions) + draw(births).strftime("%Y%m%d") + draw(sequences)
    return body + check_character(body)


@given(valid_ids())
@example("43230119000101000" + check_character("43230119000101000"))
def test_any_well_formed_id_is_valid(number):
    assert validate_id_number(number) == number
    assert id_birth_date(number) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert id_gender(number) in {"M", "F"}
    assert mask_id_number(number) == number[:6] + "********" + number[-4:]


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_is_detected(number, position, data):
    allowed = DIGITS + "X" if position == 17 else DIGITS
    replacement = data.draw(st.sampled_from([c for c in allowed if c != number[position]]))
    mutated = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError) as info:
        validate_id_number(mutated)
    assert info.value.code in {"checksum", "birth_date"}


# --- USCC ----------------------------------------------------------------------------------

VALID_USCC = "91110000600037341L"  # python-stdnum's own example


def test_valid_uscc():
    assert stdnum_uscc.is_valid(VALID_USCC)
    assert validate_uscc(VALID_USCC) == VALID_USCC
    assert validate_uscc(" 91110000 600037341l\n") == VALID_USCC
    assert validate_uscc("９１１１００００６０００３７３４１Ｌ") == VALID_USCC


def test_valid_uscc_of_a_village_collective():
    # N2 = agriculture authority, village-level collective economic organisation; stdnum
    # 2.2 refuses letters in the first two characters, validate_uscc accepts them.
    body = "N2430903MA4L1234U"
    code = body + stdnum_uscc.calc_check_digit(body)
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91110000600037341M", "checksum"),
        ("9111000060003734", "length"),
        ("91110000600037341IL", "length"),
        ("91110000600037341I", "characters"),  # I is not in the GB 32100 alphabet
        ("911100O0600037341L", "characters"),  # letter O in the region digits
        ("B1110000600037341L", "characters"),  # B is no registering authority
        ("", "required"),
        (9.111000060003734e17, "precision_lost"),
    ],
)
def test_invalid_uscc(raw, code):
    assert error_code(raw, validate_uscc) == code


def test_uscc_checksum_message_names_the_expected_character():
    with pytest.raises(ValidationError) as info:
        validate_uscc("91110000600037341M")
    assert info.value.params == {"expected": "L", "given": "M"}


# --- masks ---------------------------------------------------------------------------------


def test_mask_id_number():
    assert mask_id_number("430903199001011234") == "430903********1234"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""
    assert mask_id_number("1234") == "****"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("0737-4412345", "****2345"),
        ("+8613800138000", "****8000"),
        ("123", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
