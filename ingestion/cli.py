"""Helpers the management commands share: argparse types for bounded integers, CSV cells that
a spreadsheet cannot run as formulas, and crawled text made safe to print on a terminal."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel, LibreOffice
# and Google Sheets; a leading single quote makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ANSI escape sequences (CSI ... final byte, OSC ... BEL/ST, and two-byte ESC forms), then any
# other C0/C1 control character except tab and newline.
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse `type=` that accepts a whole number within [minimum, maximum]; anything else
    is a one-line usage error (a CommandError under call_command), never a traceback."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {raw!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its messages
    return parse


# PostgreSQL's bigint: an id or a count past it would fail inside the query instead.
BIGINT_MAX = 2**63 - 1
identifier = integer(minimum=1, maximum=BIGINT_MAX)  # a row id
positive = integer(minimum=1, maximum=BIGINT_MAX)  # a limit, a threshold
non_negative = integer(minimum=0, maximum=BIGINT_MAX)  # a count that may be zero
port = integer(minimum=0, maximum=65535)


def csv_cell(value: object) -> object:
    """A cell that a spreadsheet shows as text: strings starting with =, +, -, @, tab or CR
    get a leading single quote; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def printable(text: object) -> str:
    """Crawled text without ANSI escapes or control characters (tab and newline kept), so a
    page cannot rewrite the operator's terminal."""
    return CONTROL.sub("", ANSI.sub("", str(text)))
