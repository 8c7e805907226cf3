"""Salaries: amounts, ranges, currencies and periods read from a string ("$90,000 - $120,000 a
year", "45.000-55.000 EUR brutto/Jahr", "年収500万円～800万円"), kept only when plausible."""

from __future__ import annotations

import re
from decimal import Decimal

from extraction.normalize import clean_text

_CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "R$": "BRL", "C$": "CAD", "CA$": "CAD",
    "A$": "AUD", "AU$": "AUD", "¥": "JPY", "₹": "INR", "FR.": "CHF", "ZŁ": "PLN", "KČ": "CZK",
    "円": "JPY", "万円": "JPY", "원": "KRW", "만원": "KRW",
}  # fmt: skip
# Japanese and Korean amounts count in ten-thousands: 500万円 is 5,000,000 yen.
_MYRIAD = re.compile(r"\d\s*[万만]")
_SALARY_UNITS = (
    ("HOUR", r"hour|hr|hourly|stunde|stündlich|hora|heure|uur|godzin\u0119|godz|godzina|ora|orari"),
    ("DAY", r"day|daily|tag|día|dia|jour"),
    ("WEEK", r"week|weekly|woche|semana|semaine"),
    (
        "MONTH",
        r"month|monthly|monat|monatlich|mes|mês|mensal|mensual|mois|mensuel|mese|mensile|"
        r"maand|miesi\u0119cznie|mies|mensuales|mensuals",
    ),
    (
        "YEAR",
        r"year|yr|annum|annual|annually|jahr|jährlich|año|anual|anuales|anuals|anys|ano|an|annuel|"
        r"anno|annuo|annui|annuale|jaar|jaarlijks|rocznie|p\.a\.",
    ),
)
_UNIT_LEAD = r"(?:^|[\s/]|\bper\s|\ba\s|\bpor\s|\bpar\s|\bal\s|\bpro\s)"
UNIT_PATTERNS = [
    (unit, re.compile(rf"{_UNIT_LEAD}(?:{words})\b", re.I)) for unit, words in _SALARY_UNITS
]
_RANGE_SPLIT = re.compile(
    r"\s*(?:[-\u2013\u2014~\u301c\uff5e]|\bto\b|\bbis\b|\bhasta\b|\baté\b|\bà\b|\ba\b|\band\b|\by\b|"
    r"\be\b|\bet\b|\bund\b|\ben\b|\bdo\b|\bi\b)\s*",
    re.I,
)
# Swiss and French digit grouping: 85’000, 85'000, 85 000 (thin or narrow no-break space).
_DIGIT_GROUP = re.compile(r"(?<=\d)[\u2019'\u2009\u202f](?=\d{3}\b)")
_THOUSANDS_SUFFIX = re.compile(r"\d\s*[kK]\b")
# A salary outside this range, or a range wider than this ratio, is a CMS placeholder
# ("1 to 1,000,000"), not an offer.
SALARY_BOUNDS = (1.0, 10_000_000.0)
_ISO_CODE = re.compile(r"[A-Z]{3}")
SALARY_MAX_RATIO = 20.0
# Currencies whose unit is worth little: a yearly pay of 50,000,000 won is ordinary.
_SMALL_UNIT_CURRENCIES = frozenset({"JPY", "KRW", "IDR", "VND", "HUF", "CLP", "COP", "INR"})


def parse_salary(text: str) -> dict | None:
    """ "$120k-$150k a year" -> {"min": 120000, "max": 150000, "currency": "USD", "unit": "YEAR"}.

    price-parser reads each side of the range (thousand separators of every locale); this adds
    the "k" suffix, the ISO currency code and the pay period. None without any amount.
    """
    from price_parser import Price  # imported on first use, like dateparser

    text = clean_text(text) or ""
    if not text or len(text) > 200 or not re.search(r"\d", text):
        return None
    text = _DIGIT_GROUP.sub("", text)
    amounts: list[float] = []
    currency = None
    for part in _RANGE_SPLIT.split(text)[:2]:
        price = Price.fromstring(part, currency_hint=currency)
        if price.amount is None:
            continue
        amount = price.amount * (1000 if _THOUSANDS_SUFFIX.search(part) else 1)
        amount *= 10_000 if _MYRIAD.search(part) else 1
        amounts.append(float(amount))
        currency = currency or price.currency
    if currency is None and ("円" in text or "원" in text):
        currency = "円" if "円" in text else "원"
    unit = next((unit for unit, pattern in UNIT_PATTERNS if pattern.search(text)), None)
    if not amounts or not (currency or unit):
        return None  # "3 years of experience" holds a number, not a salary
    return plausible_salary(
        {
            "min": min(amounts),
            "max": max(amounts),
            "currency": currency_code(currency),
            "unit": unit,
        }
    )


def parse_amount(text: str) -> Decimal | None:
    """One amount in any locale's notation: "1.800" -> 1800, "1.800,50" -> 1800.50."""
    from price_parser import Price

    return Price.fromstring(_DIGIT_GROUP.sub("", text)).amount


def currency_code(value: str | None) -> str | None:
    """ISO 4217 code for "€", "R$", "eur" or "EUR"; None when it cannot tell."""
    if not value:
        return None
    value = value.strip().upper()
    if _ISO_CODE.fullmatch(value):
        return value
    return _CURRENCY_SYMBOLS.get(value)


def plausible_salary(salary: dict) -> dict | None:
    """The salary, or None when its amounts are placeholders (0, 1, 1,000,000, ...)."""
    low, high = salary.get("min"), salary.get("max")
    amounts = [a for a in (low, high) if a is not None]
    lowest, highest = SALARY_BOUNDS
    if salary.get("currency") in _SMALL_UNIT_CURRENCIES:
        highest *= 1000
    if not amounts or any(not lowest < a < highest for a in amounts):
        return None
    if low and high and high / low > SALARY_MAX_RATIO:
        return None
    return salary
