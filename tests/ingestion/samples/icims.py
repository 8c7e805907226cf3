"""iCIMS GET /jobs/search?ss=1&in_iframe=1&pr={page}: a portal's server-rendered search page.

Models the structure of iCIMS portal search pages (as described in public scraper suites):
a "Search Results Page X of Y" header, then <li class="iCIMS_JobCardItem"> cards, each with a
"Job Locations" label and an <a class="iCIMS_Anchor" href=".../jobs/{id}/{slug}/job?in_iframe=1"
title="{id} - {title}">; an empty portal says "Sorry, no jobs were found".
"""

from __future__ import annotations


def page(base: str, number: int, pages: int, per: int = 2, *, header: bool = True) -> bytes:
    ids = [5000 + number * per + i for i in range(per)]
    cards = "".join(
        f"""
      <li class="iCIMS_JobCardItem">
        <span class="sr-only field-label">Job Locations</span> <span>US-TX-Plano</span>
        <a class="iCIMS_Anchor" href="{base}/jobs/{ident}/forklift-operator/job?in_iframe=1"
           title="{ident} - Forklift Operator"><h3>Forklift Operator</h3></a>
      </li>"""
        for ident in ids
    )
    heading = f"<h2>Search Results Page {number + 1} of {pages}</h2>" if header else ""
    return f"""<html><head><title>Job Listings at Acme Freight</title></head><body>
    <div class="iCIMS_JobsTable">{heading}<ul>{cards}</ul></div>
    <a href="{base}/jobs/intro">Intro</a></body></html>""".encode()


EMPTY = (
    b"<html><body><div class='iCIMS_Message'>"
    b"Sorry, no jobs were found that match your search.</div></body></html>"
)
