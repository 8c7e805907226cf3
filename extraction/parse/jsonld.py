"""Strategy 1: schema.org JobPosting from <script type="application/ld+json"> blocks.

Real pages ship JSON-LD that is not quite JSON (trailing commas, raw newlines in strings, stray
escapes) and often several blocks; each block is read on its own so a broken one costs nothing.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator

import lxml.etree

from extraction.parse.schema import Node, job_from_posting, type_names
from extraction.types import ExtractedJob

SOURCE = "jsonld"
CONFIDENCE = 0.95

# Graphs nest a few levels (WebPage > mainEntity > JobPosting > hiringOrganization > ...); the
# cap only guards against pathological or cyclic input.
_MAX_DEPTH = 12
# Old-school wrappers around script content: <!-- ... --> and //<![CDATA[ ... //]]>.
_WRAPPER_START = re.compile(r"^\s*(?:<!--|(?://\s*)?<!\[CDATA\[)")
_WRAPPER_END = re.compile(r"(?:-->|(?://\s*)?\]\]>)\s*$")
_CLOSER_AHEAD = re.compile(r"\s*[}\]]")
_VALID_ESCAPES = frozenset('"\\/bfnrtu')
# A tuple, not `dict | list`: the union would be built again at every isinstance call.
_CONTAINERS = (dict, list)


def extract_jsonld(
    tree: lxml.etree._Element, base_url: str, *, fetched_at: datetime.datetime
) -> ExtractedJob | None:
    """1. Parse every ld+json block on its own, repairing common syntax slips.
    2. Collect JobPosting nodes from top-level objects, arrays, @graph and nested values,
       resolving {"@id": ...} references against the other nodes on the page.
    3. Map the first posting with a title (else the first) to an ExtractedJob.
    """
    nodes: list[Node] = []
    for block in _blocks(tree):
        for document in _load(block):
            _lower_keys(document, 0, nodes)
    postings = [node for node in nodes if "jobposting" in type_names(node)]
    if not postings:
        return None
    posting = next((p for p in postings if p.get("title") or p.get("name")), postings[0])
    by_id = {str(node["@id"]): node for node in nodes if node.get("@id") and len(node) > 1}
    resolved = _resolve(posting, by_id, 0) if by_id else posting
    assert isinstance(resolved, dict)  # a node resolves to a node
    return job_from_posting(
        resolved,
        base_url=base_url,
        fetched_at=fetched_at,
        source=SOURCE,
        confidence=CONFIDENCE,
    )


def _blocks(tree: lxml.etree._Element) -> Iterator[str]:
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind == "application/ld+json" and script.text and script.text.strip():
            yield script.text


def _load(block: str) -> list[object]:
    """The JSON values in one block, or [] when it cannot be read even after repair."""
    text = _WRAPPER_START.sub("", block)
    if text.rstrip().endswith((">",)):  # the end pattern is slow on long blocks: only if needed
        text = _WRAPPER_END.sub("", text)
    try:
        return _decode_all(text)
    except RecursionError:
        return []  # absurdly deep nesting: this block is hostile, the others still count
    except ValueError:
        pass
    try:  # repair only what does not parse as it is (the character walk is not free)
        return _decode_all(_repair(text))
    except (ValueError, RecursionError):
        return []


# strict=False accepts raw newlines and tabs inside strings. Built once and shared, as json.loads
# shares its default decoder: it holds no state between calls.
_DECODER = json.JSONDecoder(strict=False)


def _decode_all(text: str) -> list[object]:
    # Some CMSs emit several objects back to back in one block, which raw_decode reads one at a
    # time.
    decoder = _DECODER
    found: list[object] = []
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
        if position >= len(text):
            return found
        value, position = decoder.raw_decode(text, position)
        found.append(value)


def _repair(text: str) -> str:
    """Drop comments, trailing commas and invalid backslash escapes; string contents intact."""
    out: list[str] = []
    in_string = escaped = False
    comment_end = 0
    for index, char in enumerate(text):
        if index < comment_end:
            continue
        if in_string:
            if escaped:
                escaped = False
                if char not in _VALID_ESCAPES:
                    out.pop()  # the backslash of \' or \-: keep only the character
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            out.append(char)
            continue
        if char == '"':
            in_string = True
        elif char == "/" and text.startswith(("//", "/*"), index):
            closer = "\n" if text[index + 1] == "/" else "*/"
            found = text.find(closer, index + 2)
            comment_end = len(text) if found < 0 else found + len(closer)
            continue
        elif char == "," and _CLOSER_AHEAD.match(text, index + 1):
            continue
        out.append(char)
    return "".join(out)


def _lower_keys(value: object, depth: int, nodes: list[Node]) -> object:
    """The value with property names lower-cased (some sites write "Title" or
    "HiringOrganization"); every object met is appended to `nodes`, outermost first, since
    postings hide in @graph, arrays and mainEntity. One pass does both."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        node: Node = {}
        nodes.append(node)
        for key, item in value.items():
            # Strings and numbers (most values) are copied here, not through a call per value;
            # the depth cap still turns one below the limit into None.
            node[str(key).lower()] = (
                _lower_keys(item, depth + 1, nodes)
                if isinstance(item, _CONTAINERS) or depth >= _MAX_DEPTH
                else item
            )
        return node
    if isinstance(value, list):
        return [_lower_keys(item, depth + 1, nodes) for item in value]
    return value


def _resolve(value: object, by_id: dict[str, Node], depth: int) -> object:
    """Replace {"@id": x} references with the node that carries @id x elsewhere on the page."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, list):
        return [_resolve(item, by_id, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"@id"} and str(value["@id"]) in by_id:
        value = by_id[str(value["@id"])]
    return {k: _resolve(v, by_id, depth + 1) for k, v in value.items()}
