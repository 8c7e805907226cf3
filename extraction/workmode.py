"""Work mode as pages and ATS records state it: remote, hybrid or on-site, in the languages of
the label table, and LinkedIn's "#LI-Hybrid" tags."""

from __future__ import annotations

import re

_REMOTE = re.compile(
    r"(?:\b(?:remote|telecommute|work from home|wfh|home[- ]?office|fully distributed|"
    r"remoto|teletrabajo|télétravail|teletravail|à distance|a distancia|trabalho remoto|"
    r"en remot|teletreball|da remoto|in remoto|thuiswerken|op afstand|zdalna|zdalnie)\b|"
    r"재택|원격|リモート|在宅|フルリモート)",
    re.I,
)
_HYBRID = re.compile(
    r"(?:\b(?:hybrid|hybride|híbrido|hibrido|híbrida|hibrida|ibrido|ibrida|hybrydowa|"
    r"hybrydowy|hybrydowo)\b|하이브리드|ハイブリッド)",
    re.I,
)
_ON_SITE = re.compile(
    r"(?:\b(?:on[- ]?site|in[- ]office|office[- ]based|vor ort|presencial|presencialment|"
    r"sur site|en présentiel|in sede|in presenza|op kantoor|op locatie|stacjonarna|"
    r"stacjonarnie)\b|사무실 근무|出社)",
    re.I,
)
# LinkedIn's workplace hashtags, which ATS descriptions carry at their end.
_LI_TAG = re.compile(r"#LI-(Remote|Hybrid|On-?site)\b", re.I)
WORK_MODES = ("remote", "hybrid", "onsite")
_MODE_PATTERNS = (
    (
        "hybrid",
        ("hybr", "h\u00edbr", "hibr", "ibrid", "\ud558\uc774\ube0c\ub9ac\ub4dc",
         "\u30cf\u30a4\u30d6\u30ea\u30c3\u30c9"),
        _HYBRID,
    ),
    (
        "remote",
        ("remot", "telecommut", "from home", "wfh", "home", "distribut", "teletrab",
         "t\u00e9l\u00e9trav", "teletrav", "distan", "thuiswerk", "afstand", "zdaln", "teletreball",
         "\uc7ac\ud0dd", "\uc6d0\uaca9", "\u30ea\u30e2\u30fc\u30c8", "\u5728\u5b85"),
        _REMOTE,
    ),
    (
        "onsite",
        ("site", "office", "vor ort", "presencial", "pr\u00e9sentiel", "in sede", "presenza",
         "kantoor", "locatie", "stacjonar", "\uc0ac\ubb34\uc2e4", "\u51fa\u793e"),
        _ON_SITE,
    ),
)  # fmt: skip


# Every stem above in one case-sensitive alternation over the lower-cased text: on a short text
# (a place, a title) one search rules out a mode, where the loop in work_mode costs a find per
# stem (about 40: 12 us on "Berlin, DE", against 1.5 us). Over long text the alternation is the
# slower of the two (it tries every stem at each position), so it is kept to short texts.
_STEM_SCAN_LIMIT = 80
_ANY_STEM = re.compile(
    "|".join(re.escape(stem) for _, stems, _ in _MODE_PATTERNS for stem in stems)
)


def work_mode(*texts: str | None) -> str | None:
    """ "remote", "hybrid" or "onsite" as a location, tag or label states it, else None.
    Hybrid is read first: "hybrid (2 days remote)" is hybrid."""
    joined = " ".join(t for t in texts if t)
    if not joined:
        return None
    # Plain substring tests first: a case-insensitive alternation costs a pass per position,
    # and most text (a whole page body, on JSON-LD pages) names no mode at all.
    # Each stem found is checked in a window around it, so a long page costs a few finds.
    lowered = joined.lower()
    if len(lowered) <= _STEM_SCAN_LIMIT and not _ANY_STEM.search(lowered):
        return None  # no stem anywhere: no window below could match
    for mode, stems, pattern in _MODE_PATTERNS:
        for stem in stems:
            position = lowered.find(stem)
            for _ in range(20):
                if position < 0:
                    break
                if pattern.search(joined, max(0, position - 25), position + 40):
                    return mode
                position = lowered.find(stem, position + 1)
    return None


def hashtag_work_mode(text: str | None) -> str | None:
    """The mode a "#LI-Hybrid" / "#LI-Remote" tag in a description states."""
    match = _LI_TAG.search(text or "")
    if not match:
        return None
    tag = match.group(1).lower().replace("-", "")
    return "onsite" if tag == "onsite" else tag
