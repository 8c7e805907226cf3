"""The vocabulary plain-HTML extraction reads: label spellings per field, in the languages seen on
real careers pages, and the phrases that mark a posted date, an apply-by date, an apply link, a
requirements heading and a site name around an employer's.

Kept apart from the reading code in `heuristics` so a new language is a data change.
"""

from __future__ import annotations

import re

# Label spellings -> field; longer labels first so "job location" wins over "location".
LABELS = {
    "location": "location",
    "job location": "location",
    "work location": "location",
    "office location": "location",
    "office": "location",
    "based in": "location",
    "city": "location",
    "deadline": "deadline",
    "application deadline": "deadline",
    "closing date": "deadline",
    "apply by": "deadline",
    "apply before": "deadline",
    "applications close": "deadline",
    "valid through": "deadline",
    "expires": "deadline",
    "posted": "posted_on",
    "posted on": "posted_on",
    "date posted": "posted_on",
    "published": "posted_on",
    "employment type": "employment_type",
    "job type": "employment_type",
    "contract type": "employment_type",
    "type of employment": "employment_type",
    "company": "employer",
    "employer": "employer",
    "organisation": "employer",
    "organization": "employer",
    "job id": "identifier",
    "req id": "identifier",
    "requisition id": "identifier",
    "reference": "identifier",
    "job reference": "identifier",
    "salary": "salary",
    "salary range": "salary",
    "pay": "salary",
    "pay range": "salary",
    "compensation": "salary",
    # German
    "standort": "location",
    "arbeitsort": "location",
    "einsatzort": "location",
    "dienstort": "location",
    "ort": "location",
    "bewerbungsfrist": "deadline",
    "bewerbungsschluss": "deadline",
    "bewerben bis": "deadline",
    "bewerbung bis": "deadline",
    "veröffentlicht": "posted_on",
    "veröffentlicht am": "posted_on",
    "anstellungsart": "employment_type",
    "beschäftigungsart": "employment_type",
    "vertragsart": "employment_type",
    "arbeitszeit": "employment_type",
    "gehalt": "salary",
    "vergütung": "salary",
    "unternehmen": "employer",
    "arbeitgeber": "employer",
    "referenznummer": "identifier",
    "kennziffer": "identifier",
    # Spanish
    "ubicación": "location",
    "ubicacion": "location",
    "localización": "location",
    "lugar de trabajo": "location",
    "ciudad": "location",
    "fecha límite": "deadline",
    "fecha limite": "deadline",
    "fecha de cierre": "deadline",
    "plazo": "deadline",
    "plazo de solicitud": "deadline",
    "publicado": "posted_on",
    "publicado el": "posted_on",
    "fecha de publicación": "posted_on",
    "tipo de contrato": "employment_type",
    "jornada": "employment_type",
    "tipo de empleo": "employment_type",
    "salario": "salary",
    "sueldo": "salary",
    "empresa": "employer",
    "referencia": "identifier",
    # Portuguese
    "localização": "location",
    "local": "location",
    "local de trabalho": "location",
    "cidade": "location",
    "prazo": "deadline",
    "data limite": "deadline",
    "inscrições até": "deadline",
    "candidaturas até": "deadline",
    "publicado em": "posted_on",
    "data de publicação": "posted_on",
    "regime": "employment_type",
    "tipo de vaga": "employment_type",
    "salário": "salary",
    "remuneração": "salary",
    # French
    "lieu": "location",
    "localisation": "location",
    "lieu de travail": "location",
    "ville": "location",
    "date limite": "deadline",
    "date limite de candidature": "deadline",
    "date de clôture": "deadline",
    "publié le": "posted_on",
    "date de publication": "posted_on",
    "type de contrat": "employment_type",
    "type d'emploi": "employment_type",
    "salaire": "salary",
    "rémunération": "salary",
    "entreprise": "employer",
    "société": "employer",
    "référence": "identifier",
}
LABEL_FIELDS = frozenset(LABELS.values())
LABEL_ALTERNATION = "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True))
LABELLED = re.compile(rf"(?:^|(?<=[\s|\u00b7\u2022,;]))({LABEL_ALTERNATION})\s*[:\uff1a]\s*", re.I)
APPLY_BY = re.compile(
    r"\b(?:apply|applications?(?: must be received)?)\s+(?:by|before|until|no later than|close)"
    r"\s+(?:on\s+)?([^.;|()]{4,40})",
    re.I,
)
# "Posted 3 days ago", "Publié le 10 novembre 2026": a date after a verb, without a colon.
POSTED = re.compile(
    r"(?:posted|published|publié(?:e)? le|publicado(?: el| em)?|veröffentlicht(?: am)?)\s+"
    r"(?:on\s+)?(.{3,40})$",
    re.I,
)
NESTED_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "table", "section", "article"})
APPLY_TEXT = re.compile(
    r"\b(?:apply|jetzt bewerben|bewerben|postular|postúlate|inscrever|candidatar|candidater|"
    r"postuler)\b",
    re.I,
)
REQUIREMENTS_HEADING = re.compile(
    r"requirements|qualifications|what you(?:['\u2019]ll)? (?:need|bring)|must[- ]haves?|"
    r"anforderungen|dein profil|ihr profil|qualifikation|requisitos|perfil|exigences|"
    r"profil recherché|votre profil|compétences",
    re.I,
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
TITLE_SEPARATORS = (" | ", " \u2014 ", " \u2013 ", " - ", " :: ", " \u00b7 ")
# "Acme Careers", "Careers at Acme": the site's name around the employer's.
SITE_WORDS = re.compile(
    r"^(?:careers?|jobs?|work)\s+(?:at|@|with)\s+|\s*\b(?:careers?|jobs?|job board|vacancies)$",
    re.I,
)
