"""Amounts in capital Chinese numerals (大写金额), as payment documents write them.

Financial style: 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, groups of four digits 万 and 亿; zeros inside the
number are read once (零); an amount with no jiao and no fen ends in 整; one with fen and no jiao
reads 元零X分. 1,232,438.34 is 壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分.
"""

from __future__ import annotations

from decimal import Decimal

from .errors import ContractsError
from .money import to_fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("仟", "佰", "拾", "")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """A number from 1 to 9999 without its group unit; zeros inside read once."""
    text, zero = "", False
    for digit, unit in zip(f"{value:04d}", SMALL_UNITS):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[int(digit)] + unit
    return text


def _integer(value: int) -> str:
    groups = []
    while value:
        value, group = divmod(value, 10000)
        groups.append(group)
    if len(groups) > len(GROUP_UNITS):
        raise ContractsError("amount", value, "is too large to write in capital numerals")
    text, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(text)
            continue
        if text and (zero_pending or group < 1000):
            text += "零"  # a gap before this group: read it once
        text += _group(group) + GROUP_UNITS[index]
        zero_pending = False
    return text


def capital(amount: Decimal) -> str:
    """The amount (yuan, to the fen) in capital numerals: 576000 -> 伍拾柒万陆仟元整."""
    fen = to_fen(amount)
    sign, fen = ("负", -fen) if fen < 0 else ("", fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    whole = _integer(yuan)
    if not jiao and not fen_digit:
        return sign + (whole or "零") + "元整"
    text = whole + "元" if whole else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return sign + text
