"""Whether a page without JobPosting markup is a job: weak signals summed, not a checklist.

A posting rarely shows every sign, and real pages show them in many languages and shapes, so
each sign adds a weight and the sum decides. `not_a_job` needs positive evidence: an error
page, a listing's structure (many job links and no posting body of its own), or no title.
The weights were set on the development corpus (tests/extraction/fixtures/dev).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree

from extraction.normalize import clean_text
from extraction.parse import labels
from extraction.types import DiscoveryContext, ExtractedJob

THRESHOLD = 0.3
# The weight of each sign, in the order a reason lists them. Calibrated so that a title with
# two modest signs (a location and a job-like URL) is a job, and a job-like URL with a long
# text alone (a "life at" page, a blog post under /careers/) is not.
WEIGHTS = {
    "location": 0.15,
    "deadline": 0.2,
    "apply link": 0.3,
    "application form": 0.3,
    "requirements": 0.25,
    "employment type": 0.2,
    "salary": 0.2,
    "posted date": 0.15,
    "identifier": 0.1,
    "work mode": 0.1,
    "job wording": 0.15,
    "job-like URL": 0.15,
    "posting body": 0.1,
    # A prior, not a verdict: with one more sign (a location, a job-like URL) it makes a job.
    "discovered as a job link": 0.25,
    # Negative: a title that names another kind of page ("Contact us", "Life at Acme").
    "title of another page": -0.3,
}
# "Page not found", "This job is no longer available": an error page says so near the top.
_ERROR = re.compile(
    r"\b(?:404|page not found|not found|no longer (?:available|accepting|open)|has expired|"
    r"job (?:has been )?(?:closed|filled|removed)|position (?:has been )?filled|"
    r"seite nicht gefunden|nicht mehr verf\u00fcgbar|p\u00e1gina no encontrada|"
    r"ya no est\u00e1 disponible|page introuvable|n'est plus disponible|offre expir\u00e9e|"
    r"p\u00e1gina n\u00e3o encontrada|pagina non trovata|pagina niet gevonden|"
    r"nie znaleziono|oferta wygas\u0142a|vacature is gesloten)\b"
    r"|\ud398\uc774\uc9c0\ub97c \ucc3e\uc744 \uc218 \uc5c6"  # Korean: page cannot be found
    r"|\u30da\u30fc\u30b8\u304c\u898b\u3064\u304b\u308a\u307e\u305b\u3093|\u63b2\u8f09\u7d42\u4e86",
    re.I,
)
# Titles of the pages a careers site has besides postings.
_OTHER_PAGE = re.compile(
    r"^(?:contact|about|our (?:team|story|values|culture)|life at|culture|benefits|faq|privacy|"
    r"cookies?|job alerts?|newsletter|blog|news|press|log ?in|sign (?:in|up)|register|"
    r"kontakt|\u00fcber uns|job-alert|contacto|sobre nosotros|nous contacter|contact(?:ez)?-nous|"
    r"\u00e0 propos|qui sommes-nous|contatti|chi siamo|lavora con noi|over ons|o nas|"
    r"werken bij|trabaja con nosotros|travaillez avec nous|karriere bei)\b"
    r"|^(?:\ud68c\uc0ac\uc18c\uac1c|\ubb38\uc758|\u304a\u554f\u3044\u5408\u308f\u305b|\u4f1a\u793e\u6982\u8981)",
    re.I,
)
# Headings and phrases that only postings use: tasks, benefits, what is offered.
_JOB_WORDS = re.compile(
    r"\b(?:responsibilities|your tasks|your role|what you(?:'ll| will) do|what we offer|"
    r"we offer|benefits|about the role|the role|job description|ihre aufgaben|deine aufgaben|"
    r"wir bieten|das bieten wir|funciones|responsabilidades|ofrecemos|qu\u00e9 ofrecemos|"
    r"tes missions|vos missions|nous offrons|avantages|as suas fun\u00e7\u00f5es|oferecemos|"
    r"responsabilit\u00e0|offriamo|mansioni|wat ga je doen|wij bieden|wat bieden wij|"
    r"taken|zakres obowi\u0105zk\u00f3w|oferujemy|obowi\u0105zki|funcions|oferim|"
    r"full[- ]time|part[- ]time|m/w/d|m/f/d|w/m/d|h/f|f/h|m/f)\b"
    r"|\ub2f4\ub2f9\uc5c5\ubb34|\uc8fc\uc694\uc5c5\ubb34|\ubcf5\ub9ac\ud6c4\uc0dd|\u4ed5\u4e8b\u5185\u5bb9|\u696d\u52d9\u5185\u5bb9|\u5f85\u9047|\u798f\u5229\u539a\u751f",
    re.I,
)
_JOB_URL = re.compile(
    r"(?:/|\b)(?:jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|vacatures?|postings?|"
    r"stellen(?:angebote)?|stelle|karriere|empleos?|ofertas?|oferta-pracy|praca|trabajo|vagas?|"
    r"emplois?|offres?|offerta|lavoro|annunci|recruit|requisition|job-?detail|jobdetail|"
    r"ofertes|treball|\d{4,})(?:/|\b|[-_])",
    re.I,
)
_FORMS = lxml.etree.XPath(
    "//input[@type='file'] | //button | //input[@type='submit'] | //*[@role='button']"
)
# A form asking for a CV, in the label table's languages (a contact form is no application).
_CV = re.compile(
    r"\b(?:cv|resume|r\u00e9sum\u00e9|lebenslauf|curr\u00edculum|curriculum|cover letter|"
    r"anschreiben|lettre de motivation|carta de presentaci\u00f3n|życiorys)\b"
    r"|\u5c65\u6b74\u66f8|\uc774\ub825\uc11c",
    re.I,
)
_FORM_ELEMENTS = lxml.etree.XPath("//form")
_LINK_TEXT = lxml.etree.XPath("//a[@href]")
_MAIN = lxml.etree.XPath("//main | //article | //*[@role='main']")
_BODY = lxml.etree.XPath("//body")
_HEADLINES = lxml.etree.XPath("//title | //h1 | //h2")
# A page whose readable text is mostly its job links is a listing.
LISTING_LINK_SHARE = 0.4
# ... and so is one whose repeated job cards (each a job link with its place, type, teaser)
# hold most of its text.
LISTING_CARDS_SHARE = 0.5
# A posting's own text: three short paragraphs.
POSTING_BODY_CHARS = 400
LISTING_MIN_LINKS = 3


@dataclass
class Verdict:
    is_job: bool
    reason: str
    score: float
    signals: list[str] = field(default_factory=list)


def judge(
    tree: lxml.etree._Element,
    url: str,
    guessed: ExtractedJob,
    job_links: list[lxml.etree._Element],
    context: DiscoveryContext | None = None,
) -> Verdict:
    """1. An error page is not a job, whatever else it shows.
    2. A listing: 3+ job links, no requirements list, and either repeated cards of job links
       that hold most of the page's text or no posting body beside them ("similar jobs" in
       a sidebar do not make a posting a listing).
    3. Otherwise the signals' weights are summed; a title and THRESHOLD make a job."""
    error = _error_page(tree)
    if error:
        return Verdict(False, f"error page: {error!r}", 0.05)
    signals = _signals(tree, url, guessed, context)
    count = len(job_links)
    if count >= LISTING_MIN_LINKS and _is_listing(tree, url, guessed, signals, job_links):
        return Verdict(False, f"listing page: {count} job links", 0.1)
    if not guessed.title:
        return Verdict(False, "no JobPosting markup and no job title", 0.0)
    score = round(max(0.0, min(sum(WEIGHTS[name] for name in signals), 0.95)), 2)
    if score < THRESHOLD:
        if not signals:
            return Verdict(
                False, f"no JobPosting markup and no job signals for {guessed.title!r}", 0.2
            )
        return Verdict(
            False,
            f"no JobPosting markup and too few job signals for {guessed.title!r}: "
            f"{', '.join(signals)}",
            score,
            signals,
        )
    return Verdict(True, f"heuristics: title + {', '.join(signals)}", score, signals)


def _signals(
    tree: lxml.etree._Element,
    url: str,
    guessed: ExtractedJob,
    context: DiscoveryContext | None,
) -> list[str]:
    found = [
        name
        for name, present in (
            ("location", guessed.location),
            ("deadline", guessed.deadline),
            ("apply link", guessed.apply_url and guessed.apply_url != url or _apply_control(tree)),
            ("requirements", guessed.requirements),
            ("employment type", guessed.employment_type),
            ("salary", guessed.salary),
            ("posted date", guessed.posted_on),
            ("identifier", guessed.identifier),
            ("work mode", guessed.remote is not None),
        )
        if present
    ]
    if "apply link" not in found and _application_form(tree):
        found.append("application form")
    path = urlsplit(url).path + "?" + urlsplit(url).query
    if _JOB_URL.search(path):
        found.append("job-like URL")
    text = (guessed.description or "")[:6000]
    if _JOB_WORDS.search(text) or _JOB_WORDS.search(guessed.title or ""):
        found.append("job wording")
    if len(text) >= POSTING_BODY_CHARS:
        found.append("posting body")
    if context is not None and context.from_listing:
        found.append("discovered as a job link")
    if guessed.title and _OTHER_PAGE.search(guessed.title):
        found.append("title of another page")
    return found


def _has_posting_body(tree: lxml.etree._Element, guessed: ExtractedJob, signals: list[str]) -> bool:
    """The page's own posting beside its links ("similar jobs", a sidebar): a requirements
    list, or a long text that is mostly not links, with a posting's wording or facts."""
    if guessed.requirements:
        return True
    strong = {"employment type", "salary", "deadline", "apply link", "application form"}
    if "posting body" not in signals or not ("job wording" in signals or strong & set(signals)):
        return False
    return _link_share(tree) < LISTING_LINK_SHARE


def _is_listing(
    tree: lxml.etree._Element,
    url: str,
    guessed: ExtractedJob,
    signals: list[str],
    links: list[lxml.etree._Element],
) -> bool:
    if guessed.requirements:
        return False  # a posting's own requirements list, whatever links sit beside it
    if _cards_share(tree, links) >= LISTING_CARDS_SHARE:
        return True
    if _has_posting_body(tree, guessed, signals):
        return False
    # A short posting: its own facts at its own address ("/jobs/88123-driver"), the job
    # links beside them a minor part of the page.
    facts = {"employment type", "salary", "deadline", "posted date", "identifier", "apply link"}
    return not (len(facts & set(signals)) >= 2 and _posting_address(url))


# One posting's address: an id of four or more digits, or a slug of three words or more,
# and no search or page parameters.
_POSTING_ID = re.compile(r"\d{4,}|[a-z\u00c0-\uffff]+(?:[-_][a-z\u00c0-\uffff0-9]+){2,}", re.I)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:page|p|q|query|search|keywords?|offset|start)=", re.I)


def _posting_address(url: str) -> bool:
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_POSTING_ID.search(last + "?" + parts.query)) and not _SEARCH_QUERY.search(
        parts.query
    )


def _cards_share(tree: lxml.etree._Element, links: list[lxml.etree._Element]) -> float:
    """Share of the page's text inside the element whose children are 3+ cards each holding a
    job link (a results list, a grid of job cards); 0.0 without such an element."""
    container = _cards_container(links)
    bodies = _BODY(tree)
    if container is None or not bodies:
        return 0.0
    total = len(clean_text(bodies[0].text_content()) or "")
    inside = len(clean_text(container.text_content()) or "")
    return inside / total if total else 0.0


def _cards_container(links: list[lxml.etree._Element]) -> lxml.etree._Element | None:
    """The nearest element with three or more children that each contain one of `links`."""
    for depth in range(1, 6):
        cards: dict[lxml.etree._Element, set[lxml.etree._Element]] = {}
        for link in links:
            card = link
            for _ in range(depth - 1):
                card = card.getparent() if card.getparent() is not None else card
            parent = card.getparent()
            if parent is not None:
                cards.setdefault(parent, set()).add(card)
        best = max(cards.items(), key=lambda item: len(item[1]), default=None)
        if best is not None and len(best[1]) >= LISTING_MIN_LINKS:
            return best[0]
    return None


def _application_form(tree: lxml.etree._Element) -> bool:
    """A file upload, or a form whose text asks for a CV."""
    if any(element.get("type") == "file" for element in _FORMS(tree)):
        return True
    return any(_CV.search(form.text_content()[:3000]) for form in _FORM_ELEMENTS(tree))


def _apply_control(tree: lxml.etree._Element) -> bool:
    """A button or submit control (not only a link) whose text says apply, in any language."""
    for element in _FORMS(tree):
        label = " ".join(
            filter(None, (element.text_content(), element.get("value"), element.get("aria-label")))
        )
        if len(label) <= 60 and labels.APPLY_TEXT.search(label):
            return True
    return False


def _error_page(tree: lxml.etree._Element) -> str | None:
    """The <title> or <h1> saying the page or job is gone; an <h2> only on a page without an
    <h1> (a posting's "Not found what you need?" box is no error)."""
    headlines = _HEADLINES(tree)
    has_h1 = any(element.tag == "h1" for element in headlines)
    for element in headlines[:4]:
        if element.tag == "h2" and has_h1:
            continue
        text = clean_text(element.text_content()) or ""
        if text and len(text) <= 120 and _ERROR.search(text):
            return text
    return None


def _link_share(tree: lxml.etree._Element) -> float:
    """Share of the main content's text that sits inside links."""
    containers = _MAIN(tree) or _BODY(tree)
    if not containers:
        return 0.0
    container = containers[0]
    total = len(clean_text(container.text_content()) or "")
    if not total:
        return 0.0
    linked = sum(len(clean_text(a.text_content()) or "") for a in container.iter("a"))
    return linked / total
