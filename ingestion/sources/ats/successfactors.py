"""SAP SuccessFactors career sites (Career Site Builder): GET https://{host}/sitemal.xml, the
site's RSS job feed (with Google's g: namespace).

board_token is the career site's host ("jobs.acme.com"). The feed's descriptions are often
teasers, so its links are returned as plain URLs for the crawler, whose job pages carry
microdata/JSON-LD. Complete when an <rss> feed with a <channel> parsed.
"""

from __future__ import annotations

from extraction.normalize import canonical_url
from ingestion.sources.ats.common import AtsError, api_base, board, failed, get_xml
from ingestion.sources.base import DiscoveryResult


def discover(source: dict):
    try:
        base = api_base(source, f"https://{board(source)}")
        channel = get_xml(f"{base}/sitemal.xml", "SuccessFactors", "rss").find("channel")
        if channel is None:
            return failed(AtsError(f"SuccessFactors feed at {base}/sitemal.xml has no channel"))
    except AtsError as exc:
        return failed(exc)
    urls = [
        canonical_url(link.strip())
        for link in channel.xpath("item/link/text()")
        if str(link).strip().startswith(("http://", "https://"))
    ]
    return DiscoveryResult(urls=list(dict.fromkeys(urls)), complete=True)
