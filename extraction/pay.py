"""Pay stated in prose ("Hourly Rate: $18.50", "typically $90,000-$120,000", "entre 30.000 y
40.000 € brutos anuales", "年収500万円～800万円"): found after a pay word, read by
money.parse_salary."""

from __future__ import annotations

import re

from extraction.money import UNIT_PATTERNS, parse_salary

# Pay words that name the period themselves (年収 is a yearly income).
_PERIOD_WORDS = {
    "\u5e74\u53ce": "YEAR", "\u6708\u7d66": "MONTH", "\u6642\u7d66": "HOUR",
    "\uc5f0\ubd09": "YEAR", "\uc6d4\uae09": "MONTH", "\uc2dc\uae09": "HOUR",
    "hourly": "HOUR",
}  # fmt: skip

_PAY_WORDS = (
    r"salary|salaries|pay|paid|rate|wage|wages|compensation|earn|earning|typically|between|"
    r"range|base|ote|stipend|salario|sueldo|retribución|remuneración|entre|gehalt|vergütung|"
    r"salaire|rémunération|retribuzione|stipendio|ral|salaris|salarisindicatie|tussen|"
    r"wynagrodzenie|salário|remuneração|salari|sou|급여|연봉|給与|年収|月給|時給"
)
_PAY_CONTEXT = re.compile(rf"(?<![^\W\d_])(?:{_PAY_WORDS})(?![^\W\d_])", re.I)
# Where the amount starts: a currency sign or code before a digit, or a digit.
# ISO codes pages print beside amounts (price-parser reads them; these only find the start).
_CODES = (
    "USD|EUR|GBP|CHF|CAD|AUD|NZD|PLN|BRL|MXN|COP|ARS|CLP|PEN|SEK|NOK|DKK|CZK|HUF|RON|INR|SGD|"
    "HKD|ZAR|JPY|KRW"
)
_AMOUNT_START = re.compile(
    rf"(?:[$\u20ac\u00a3\u00a5\u20b9]|\b(?:US|CA|AU|A|C|R|MX|NZ)\$|\b(?:{_CODES})\b)?\s?\d",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<!\d)[.;!?](?!\d)|\n|\s\(")
_CURRENCY_HINT = re.compile(
    rf"[$\u20ac\u00a3\u00a5\u20b9]|\b(?:{_CODES})\b|z\u0142|\bkr\b|K\u010d|\u5186|\uc6d0", re.I
)
_TEXT_SALARY_LIMIT = 20_000


def pay_period(text: str) -> str | None:
    """The pay period a phrase names: "hourly rate" -> HOUR, "年収" -> YEAR, "maand" -> MONTH."""
    for word, unit in _PERIOD_WORDS.items():
        if word in text.lower():
            return unit
    return next((unit for unit, pattern in UNIT_PATTERNS if pattern.search(text)), None)


def salary_in_text(text: str | None) -> dict | None:
    """Pay stated in a description: "Hourly Rate: $18.50", "typically $90,000-$120,000",
    "entre 30.000 y 40.000 \u20ac brutos anuales". Read only right after a pay word, up to the end
    of its sentence, and only with a currency or a pay period there."""
    # Ten substring finds run at memory speed; a regex digit scan costs 20 us on 2 KB.
    if not text or not any(digit in text for digit in "0123456789"):
        return None
    text = text[:_TEXT_SALARY_LIMIT]
    if not _CURRENCY_HINT.search(text):
        return None  # pay needs a currency; one scan for it spares the pay-word scan
    for keyword in _PAY_CONTEXT.finditer(text):
        start = _AMOUNT_START.search(text, keyword.end(), keyword.end() + 60)
        if start is None:
            continue
        window = text[start.start() : start.start() + 90]
        end = _SENTENCE_END.search(window, 1)
        window = window[: end.start()] if end else window
        if not _CURRENCY_HINT.search(window):
            continue  # "pay 2 days a week", "rate of 3 %": a number, not pay
        found = parse_salary(window)
        if found is None:
            continue
        found["unit"] = found["unit"] or _PERIOD_WORDS.get(keyword.group(0).lower())
        if found["unit"] is None:
            lead = text[max(0, keyword.start() - 40) : start.start()]
            found["unit"] = next((u for u, p in UNIT_PATTERNS if p.search(lead)), None)
        return found
    return None
