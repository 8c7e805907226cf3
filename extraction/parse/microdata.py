"""Strategy 2: schema.org JobPosting from microdata (itemscope/itemprop) and RDFa lite.

Both are read into the JSON-LD node shape (lower-cased property names, nested dicts for nested
items) so one mapping in parse/schema.py serves all three kinds of markup.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator

import lxml.etree

from extraction.parse import element_text
from extraction.parse.schema import Node, job_from_posting
from extraction.types import ExtractedJob

CONFIDENCE = 0.85

# Where an element keeps its value instead of its text (the microdata spec's value rules).
_URL_ATTRIBUTE = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "embed": "src",
    "track": "src",
    "object": "data",
}
_MAX_DEPTH = 8


def extract_microdata(
    tree: lxml.etree._Element, base_url: str, *, fetched_at: datetime.datetime
) -> ExtractedJob | None:
    """The first itemscope whose itemtype is schema.org JobPosting, or None."""
    for element in tree.xpath("//*[@itemscope][contains(@itemtype, 'JobPosting')]"):
        if any(_local_name(t) == "jobposting" for t in element.get("itemtype", "").split()):
            node = _item(element, "itemprop", _is_microdata_scope, 0)
            return job_from_posting(
                node,
                base_url=base_url,
                fetched_at=fetched_at,
                source="microdata",
                confidence=CONFIDENCE,
            )
    return None


def extract_rdfa(
    tree: lxml.etree._Element, base_url: str, *, fetched_at: datetime.datetime
) -> ExtractedJob | None:
    """1. The first RDFa lite resource typed JobPosting (typeof="JobPosting").
    2. Else a schema.org `vocab` scope whose own properties read as a posting (a title and at
       least one JobPosting-only property): pages that forget typeof="JobPosting".
    """
    for element in tree.xpath("//*[@typeof][contains(@typeof, 'JobPosting')]"):
        if any(_local_name(t) == "jobposting" for t in element.get("typeof", "").split()):
            node = _item(element, "property", _is_rdfa_scope, 0)
            return _rdfa_job(node, base_url, fetched_at)
    for element in tree.xpath("//*[@vocab][contains(@vocab, 'schema.org')]"):
        node = _item(element, "property", _is_rdfa_scope, 0)
        if node.get("title") and _POSTING_ONLY.intersection(node):
            return _rdfa_job(node, base_url, fetched_at)
    return None


# Properties only a JobPosting has: with a title, they identify one even without its type.
_POSTING_ONLY = frozenset(
    {"hiringorganization", "validthrough", "dateposted", "joblocation", "employmenttype",
     "basesalary", "qualifications", "joblocationtype"}
)  # fmt: skip


def _rdfa_job(node: Node, base_url: str, fetched_at: datetime.datetime) -> ExtractedJob:
    return job_from_posting(
        node, base_url=base_url, fetched_at=fetched_at, source="rdfa", confidence=CONFIDENCE
    )


def _is_microdata_scope(element: lxml.etree._Element) -> bool:
    return element.get("itemscope") is not None


def _is_rdfa_scope(element: lxml.etree._Element) -> bool:
    # An empty typeof="" (a CMS container) starts no item: its properties stay the posting's.
    return bool((element.get("typeof") or "").strip())


def _local_name(term: str) -> str:
    """ "https://schema.org/JobPosting", "schema:title" or "Title" -> "jobposting", "title"."""
    return re.split(r"[/:#]", term.strip())[-1].lower()


def _item(
    scope: lxml.etree._Element,
    attribute: str,
    is_scope: Callable[[lxml.etree._Element], bool],
    depth: int,
) -> Node:
    """The properties of one item; a property that is itself an item becomes a nested dict."""
    type_attribute = "itemtype" if attribute == "itemprop" else "typeof"
    collected: dict[str, list[object]] = {}
    for element in _properties(scope, attribute, is_scope):
        if is_scope(element) and depth < _MAX_DEPTH:
            value: object = _item(element, attribute, is_scope, depth + 1)
        elif "description" in element.get(attribute, "").split():
            value = _inner_html(element)  # markup kept: the description's HTML is wanted too
        else:
            value = _value(element)
        if value in ("", None, {}):
            continue
        for name in element.get(attribute, "").split():
            collected.setdefault(_local_name(name), []).append(value)
    node: Node = {k: v[0] if len(v) == 1 else v for k, v in collected.items()}
    node["@type"] = scope.get(type_attribute, "").split()
    return node


def _properties(
    element: lxml.etree._Element,
    attribute: str,
    is_scope: Callable[[lxml.etree._Element], bool],
) -> Iterator[lxml.etree._Element]:
    """Descendants carrying `attribute` that belong to this item, not to an item nested in it."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.get(attribute):
            yield child
        if not is_scope(child):
            yield from _properties(child, attribute, is_scope)


def _inner_html(element: lxml.etree._Element) -> str:
    if element.get("content") is not None:
        return element.get("content", "")
    children = "".join(lxml.etree.tostring(c, encoding=str, method="html") for c in element)
    return (element.text or "") + children


def _value(element: lxml.etree._Element) -> str:
    tag = element.tag.lower()
    if element.get("content") is not None:
        return element.get("content", "")
    if tag in _URL_ATTRIBUTE and element.get(_URL_ATTRIBUTE[tag]):
        return element.get(_URL_ATTRIBUTE[tag], "")
    if tag == "time" and element.get("datetime"):
        return element.get("datetime", "")
    if tag in ("data", "meter") and element.get("value") is not None:
        return element.get("value", "")
    return element_text(element)
