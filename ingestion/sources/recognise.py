"""Found from a URL, for every door that adds a source (the `sources` command, the API, the
admin): the ATS a board URL names, else the board the page at that URL embeds.

`detect` reads the URL alone; only when it names no board is the page fetched (through the
same guarded, polite `fetch` as the crawl) and its iframes, script widgets, links and data
attributes read by `detect_in_page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.errors import FetchError
from ingestion.fetch import fetch
from ingestion.models import SourceKind
from ingestion.sources.detect import Detection, detect, detect_in_page


class NotRecognised(Exception):
    """Neither the URL nor the page it serves names an ATS board."""


class PageUnreadable(Exception):
    """The URL names no board and its page could not be fetched to look for an embedded one."""

    def __init__(self, message: str, error_class: str):
        super().__init__(message)
        self.error_class = error_class


@dataclass(frozen=True)
class Found:
    detection: Detection
    how: str  # "board URL", or "embedded (iframe)", "embedded (link)", ...
    others: list[Detection] = field(default_factory=list)  # further boards the page embeds

    @property
    def why(self) -> str:
        why = f"{self.how}: {self.detection.reason}"
        if self.others:
            also = ", ".join(f"{d.kind} {d.board_token!r}" for d in self.others)
            why += f" (the page also embeds {also}; the first one found is proposed)"
        return why

    def as_json(self) -> dict:
        return {
            "kind": self.detection.kind,
            "board_token": self.detection.board_token,
            "config": self.detection.config,
            "how": self.how,
            "reason": self.why,
        }


def recognise(url: str, *, read_page: bool = True) -> Found:
    """What `url` names: a board URL is recognised as it is; any other URL is fetched
    (`read_page`) and the first board its page embeds is proposed. Raises NotRecognised or
    PageUnreadable with a one-line reason."""
    found = detect(url)
    if found is not None:
        return Found(found, "board URL")
    if not read_page:
        raise NotRecognised(f"no ATS recognised in {url[:200]!r}: not a known board URL")
    try:
        body = fetch(url).body
    except FetchError as exc:
        raise PageUnreadable(
            f"{url[:200]!r} is not a known board URL, and its page could not be read to look "
            f"for an embedded board: {exc.error_class}: {exc.message}",
            exc.error_class,
        ) from None
    embedded = detect_in_page(body)
    if not embedded:
        raise NotRecognised(
            f"no ATS recognised in {url[:200]!r}: not a known board URL, and its page embeds "
            "no known board (no iframe, script widget, link or data attribute naming one)"
        )
    how, detection = embedded[0]
    return Found(detection, f"embedded ({how})", [d for _, d in embedded[1:]])


PAGE_KINDS = (SourceKind.CAREERS_PAGE, SourceKind.SITEMAP)


def fill_from_url(
    *, url: str, kind: str, board_token: str, config: dict
) -> tuple[dict, Found | None]:
    """The kind, board token, URL and config a new source gets, and what was found.

    A page or sitemap kind, an ATS kind with its board token, or no URL: taken as given.
    Otherwise the URL is recognised: it fills a blank kind and board token (an ATS source keeps
    no URL, as `sources add` does) and adds the adapter config it implies under the given one;
    a kind given that is not what the URL names is refused (NotRecognised)."""
    given = {"kind": kind, "board_token": board_token, "url": url, "config": config}
    if kind in PAGE_KINDS or (kind and board_token) or not url:
        return given, None
    found = recognise(url)
    if kind and found.detection.kind != kind:
        raise NotRecognised(
            f"{url[:200]!r} names a {found.detection.kind} board "
            f"({found.detection.board_token!r}), not a {kind} one: {found.why}"
        )
    return {
        "kind": found.detection.kind,
        "board_token": found.detection.board_token,
        "url": "",
        "config": {**found.detection.config, **config},
    }, found
