"""A small employer's careers site whose pages say little: written here for JobPipe.

Modelled on a site built with Wix: the careers page is a repeater (`role="list"` of
`role="listitem"` cards), each card a bold rich-text paragraph holding the job's title, a
location paragraph and a "Read More" button link (`data-testid="linkElement"`); each job is a
dynamic item page under /careers/<slug> whose title is a styled rich-text paragraph (no
<h1>, no JobPosting markup) and whose <title> is the site's "Careers | <site>" on every page.
The text is invented.
"""

from __future__ import annotations

EMPLOYER = "Harbour Freight Co."


def _card(slug: str, title: str, place: str) -> str:
    return f"""
<div role="listitem" class="wixui-repeater__item">
  <div data-testid="richTextElement" class="wixui-rich-text">
    <p class="font_8 wixui-rich-text__text"><span style="font-weight:bold">{title}</span></p>
  </div>
  <div data-testid="richTextElement" class="wixui-rich-text">
    <p class="font_9 wixui-rich-text__text">{place}</p>
  </div>
  <a data-testid="linkElement" href="/careers/{slug}" class="wixui-button">
    <span class="wixui-button__label">Read More</span></a>
</div>"""


def careers_page() -> str:
    cards = "".join(
        (
            _card("warehouse-associate", "Warehouse Associate", "Leeds, West Yorkshire"),
            _card("van-driver", "Van Driver", "Bradford"),
        )
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Careers | {EMPLOYER}</title></head>
<body><div id="SITE_CONTAINER">
<header><a href="/">Home</a> <a href="/careers">Careers</a> <a href="/contact">Contact</a></header>
<main id="PAGES_CONTAINER"><section>
<div data-testid="richTextElement">
  <p class="font_7"><span style="font-size:40px">Join the crew</span></p></div>
<div role="list" class="wixui-repeater">{cards}</div>
</section></main>
<footer><p>&copy; 2026 {EMPLOYER}</p></footer></div></body></html>"""


# Its title is a styled paragraph that no heuristic reads as one: alone, the page's only
# title is its <title> ("Careers | ..."), and it shows one sign of a job (a job-like URL).
JOB_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Careers | {EMPLOYER}</title>
<meta property="og:site_name" content="{EMPLOYER}"></head>
<body><div id="SITE_CONTAINER">
<header><a href="/">Home</a> <a href="/careers">Careers</a> <a href="/contact">Contact</a></header>
<main id="PAGES_CONTAINER"><section>
<div data-testid="richTextElement" class="wixui-rich-text">
  <p class="font_7 wixui-rich-text__text">
    <span style="font-size:32px;font-weight:bold">Warehouse Associate</span></p>
</div>
<div data-testid="richTextElement" class="wixui-rich-text">
  <p class="font_8 wixui-rich-text__text">We are looking for a reliable person to join our
  warehouse crew. You will pick and pack orders, load vans and keep the racking tidy.</p>
  <p class="font_8 wixui-rich-text__text">Send your CV to jobs@harbourfreight.example.</p>
</div>
</section></main>
<footer><p>&copy; 2026 {EMPLOYER}</p></footer></div></body></html>"""

# The same site's page for a job that was filled: it says so in its heading, and still shows
# the job's place and the site's "Careers" navigation.
FILLED_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Careers | {EMPLOYER}</title></head>
<body><div id="SITE_CONTAINER">
<header><a href="/">Home</a> <a href="/careers">Careers</a> <a href="/contact">Contact</a></header>
<main id="PAGES_CONTAINER"><section>
<h1 class="font_0">Sorry, this job is no longer available</h1>
<p class="font_8">Van Driver, Bradford. Have a look at our other openings.</p>
<p class="font_8"><a href="/careers">See all jobs</a></p>
</section></main>
<footer><p>&copy; 2026 {EMPLOYER}</p></footer></div></body></html>"""
