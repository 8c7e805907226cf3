"""Shared by the extraction tests: fixture pages, a fixed fetch time, and parsing."""

from __future__ import annotations

import datetime
from pathlib import Path

import lxml.html

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED_AT = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
PAGE_URL = "https://careers.example.com/jobs/4821-senior-backend-engineer"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def tree(markup: str | bytes) -> lxml.html.HtmlElement:
    """A parsed document, as the strategies receive it from extract_job."""
    if isinstance(markup, str):
        markup = markup.encode("utf-8")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    return lxml.html.document_fromstring(markup, parser=parser)
