"""Value rules shared by HTML forms and the REST API, with Chinese messages.

A `Rule` checks one value and returns an error message or None. The form
builder and the API schema builder both wrap the rules declared on a field,
so a phone number is validated the same way on every channel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    """A named check: `check(value)` returns None when the value is acceptable.

    `schema` states the same rule in JSON Schema for the API's OpenAPI document: a `pattern`, or
    a `format` naming the standard when a check digit is more than a pattern can state (the
    format then is the whole rule: no length or pattern beside it).
    """

    name: str
    check: Callable[[Any], Any]
    schema: dict = field(default_factory=dict, compare=False)

    def __call__(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return self.check(value)


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
SERVICE = re.compile(r"^(12345|95\d{3,4}|400-?\d{3}-?\d{4})$")


def normal_phone(value: str | None) -> str | None:
    """A phone number as digits only, without the country code: 0763-336 2345 and +86 07633362345 are one
    number. None when nothing is left (the key two cases are compared by, never shown)."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) > 11 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) > 11 and digits.startswith("86"):
        digits = digits[2:]
    return digits or None


def normal_id_number(value: str | None) -> str | None:
    """An ID number (身份证号 or 统一社会信用代码) without spaces, in capitals (the check letter X)."""
    text = re.sub(r"\s", "", value or "").upper()
    return text or None


def _check_phone(value: str) -> Any:
    if MOBILE.match(value) or LANDLINE.match(value) or SERVICE.match(value):
        return None
    return _l("Enter an 11-digit mobile number or a landline such as 0763-3362345.")


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number_is_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check digit."""
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    import datetime as dt

    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def _check_id_number(value: str) -> Any:
    if id_number_is_valid(value):
        return None
    return _l("Not a valid resident ID number (18 characters, check digit per GB 11643).")


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_is_valid(value: str) -> bool:
    """GB 32100-2015: 18 characters from the code alphabet and a MOD 31 check character."""
    value = value.upper()
    if len(value) != 18 or any(c not in CREDIT_ALPHABET for c in value):
        return False
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(value[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31] == value[17]


def _check_credit_code(value: str) -> Any:
    if credit_code_is_valid(value):
        return None
    return _l("Not a valid unified social credit code (18 characters, check per GB 32100).")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""What no text may hold: C0 and C1 control characters but tab, line feed and carriage return (which
browsers send as a textarea's line break), and unpaired surrogates. PostgreSQL refuses NUL; openpyxl
refuses the rest of C0 in a cell, so one stored `a\x01b` would take every export down."""
LINE_BREAKS = re.compile(r"[\t\n\r]")
"""What a single-line field may not hold on top of CONTROL."""
REPLACEMENT = "\ufffd"


def _check_multi_line(value: Any) -> Any:
    if isinstance(value, str) and CONTROL.search(value):
        return _l("Contains control characters or characters that cannot be stored; "
                  "only line breaks and tabs are allowed.")
    return None


def _check_single_line(value: Any) -> Any:
    if isinstance(value, str) and (CONTROL.search(value) or LINE_BREAKS.search(value)):
        return _l("Contains control characters (such as a line break or a tab) or characters that cannot be "
                  "stored; this field takes a single line of text.")
    return None


def _pattern(*alternatives: re.Pattern) -> str:
    """One JSON Schema pattern matching what any of the expressions matches, or the empty text."""
    return "^(|" + "|".join(f"({a.pattern.strip('^$')})" for a in alternatives) + ")$"


SURROGATES = r"\ud800-\udfff"


def _without(*classes: re.Pattern) -> str:
    """A JSON Schema pattern for text holding no character of the given character classes.

    Unpaired surrogates are left out of it: UTF-8 JSON cannot carry them, and regular-expression
    engines that work on Unicode scalar values (Rust's, in jsonschema-rs) refuse the whole pattern."""
    return "^[^" + "".join(c.pattern[1:-1].replace(SURROGATES, "") for c in classes) + "]*$"


phone_number = Rule("phone", _check_phone, {"pattern": _pattern(MOBILE, LANDLINE, SERVICE)})
id_number = Rule("id_number", _check_id_number, {"format": "gb11643-id-number"})
credit_code = Rule("credit_code", _check_credit_code, {"format": "gb32100-credit-code"})
printable = Rule("printable", _check_multi_line, {"pattern": _without(CONTROL)})
"""Applied to every multi-line text on every channel (forms, API, workflow actions, imports, answers)."""
single_line = Rule("single_line", _check_single_line, {"pattern": _without(CONTROL, LINE_BREAKS)})
"""Applied to every single-line text on every channel: `printable` without line breaks and tabs."""


def text_rule(multiline: bool) -> Rule:
    """The rule for a text field: `printable` for multi-line text, `single_line` otherwise."""
    return printable if multiline else single_line


def without_control_characters(text: str) -> str:
    """`text` with what `printable` refuses replaced by U+FFFD, for files built from stored data
    (rows saved before the rule existed must not break an export)."""
    return CONTROL.sub(REPLACEMENT, text)


def max_length_message(limit: int) -> Any:
    """The message for text longer than a column holds."""
    return _l("At most %(max)d characters.", max=limit)
