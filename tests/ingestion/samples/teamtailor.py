"""Teamtailor GET /jobs.rss?offset=&per_page=: an RSS 2.0 feed with the tt: namespace.

Models the structure of a Teamtailor careers site's public feed (as saved in public scraper
test suites): channel title = the company; per item title, description (escaped HTML),
pubDate (RFC 822), link, guid, remoteStatus (none, hybrid, temporary, fully), tt:department and
tt:locations/tt:location with tt:name, tt:city, tt:country.
"""

from __future__ import annotations

from xml.sax.saxutils import escape


def feed(base: str, start: int, count: int) -> bytes:
    items = "".join(
        f"""
    <item>
      <title>Store Manager {i}</title>
      <description>{escape("<p>Run the <b>Stockholm</b> store.</p>")}</description>
      <pubDate>Tue, 03 Nov 2026 09:00:00 +0100</pubDate>
      <link>{base}/jobs/{9000 + i}-store-manager</link>
      <remoteStatus>{"fully" if i == 0 else "none"}</remoteStatus>
      <guid>guid-{i}</guid>
      <tt:locations>
        <tt:location>
          <tt:name>HQ</tt:name>
          <tt:city>Stockholm</tt:city>
          <tt:country>Sweden</tt:country>
        </tt:location>
      </tt:locations>
      <tt:department>Retail</tt:department>
    </item>"""
        for i in range(start, start + count)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:tt="https://teamtailor.com/locations">
  <channel>
    <title>Acme Retail AB</title>
    <description>Current Job Openings</description>
    <link>{base}/jobs</link>{items}
  </channel>
</rss>""".encode()
