"""SuccessFactors GET /sitemal.xml: a Career Site Builder's RSS 2.0 job feed.

Models the structure of the feed SAP SuccessFactors career sites publish (as saved in public
scraper suites): channel title and ttl; per item title "Role (City, CC)", description (CDATA,
often a teaser), link "/job/{City}-{Title}/{id}/", guid, g:id, g:location, pubDate.
"""

from __future__ import annotations


def feed(base: str, n: int = 2) -> bytes:
    items = "".join(
        f"""
    <item>
      <title>Process Engineer {i} (Basel, CH)</title>
      <description><![CDATA[<p>Scale up the plant.</p>]]></description>
      <link>{base}/job/Basel-Process-Engineer-{i}/{880000 + i}/</link>
      <guid>{880000 + i}</guid>
      <g:id>{880000 + i}</g:id>
      <g:location>Basel, CH</g:location>
      <pubDate>Wed, 04 Nov 2026 00:00:00 GMT</pubDate>
    </item>"""
        for i in range(n)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
  <channel>
    <title>Acme Pharma Careers</title>
    <ttl>720</ttl>{items}
  </channel>
</rss>""".encode()
