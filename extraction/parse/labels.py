"""The vocabulary plain-HTML extraction reads: label spellings per field, in the languages seen on
real careers pages, and the phrases that mark a posted date, an apply-by date, an apply link, a
requirements heading and a site name around an employer's.

Kept apart from the reading code in `heuristics` so a new language is a data change.
"""

from __future__ import annotations

import re

# Label spellings -> field (None: a known label that fills no field); longer labels first so
# "job location" wins over "location".
_SPELLINGS: dict[str, str | None] = {
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
    "type de poste": "employment_type",
    "mode de travail": "remote",
    "télétravail": "remote",
    "modalité de travail": "remote",
    # More English: work mode, and the labels of common ATS templates.
    "work mode": "remote",
    "work model": "remote",
    "workplace type": "remote",
    "workplace": "remote",
    "work arrangement": "remote",
    "work setting": "remote",
    "location type": "remote",
    "remote": "remote",
    "remote work": "remote",
    "employment": "employment_type",
    "commitment": "employment_type",
    "schedule": "employment_type",
    "job type & duration": "employment_type",
    "job type and duration": "employment_type",
    "position type": "employment_type",
    "work type": "employment_type",
    "duration": "employment_type",
    "hourly rate": "salary",
    "starting rate": "salary",
    "pay rate": "salary",
    "base salary": "salary",
    "wage": "salary",
    "locations": "location",
    "job locations": "location",
    "hiring company": "employer",
    "posting date": "posted_on",
    "date published": "posted_on",
    "closing": "deadline",
    "apply before date": "deadline",
    "job number": "identifier",
    "job code": "identifier",
    "vacancy id": "identifier",
    # German, more
    "arbeitsmodell": "remote",
    "homeoffice": "remote",
    "beschäftigungsumfang": "employment_type",
    "einstiegsdatum": None,
    # Spanish, more
    "modalidad": "remote",
    "modalidad de trabajo": "remote",
    "tipo de jornada": "employment_type",
    "localidad": "location",
    "provincia": "location",
    "remuneración": "salary",
    "fecha de publicacion": "posted_on",
    # Portuguese, more
    "modelo de trabalho": "remote",
    "modalidade": "remote",
    "tipo de contrato de trabalho": "employment_type",
    # Catalan
    "ubicació": "location",
    "lloc de treball": "location",
    "localització": "location",
    "població": "location",
    "tipus de contracte": "employment_type",
    "tipus de jornada": "employment_type",
    "salari": "salary",
    "sou": "salary",
    "retribució": "salary",
    "data límit": "deadline",
    "termini": "deadline",
    "termini de presentació": "deadline",
    "data de publicació": "posted_on",
    "publicat": "posted_on",
    "entitat": "employer",
    "modalitat": "remote",
    "referència": "identifier",
    # Italian
    "sede": "location",
    "sede di lavoro": "location",
    "luogo di lavoro": "location",
    "località": "location",
    "città": "location",
    "tipo di contratto": "employment_type",
    "contratto": "employment_type",
    "tipologia contrattuale": "employment_type",
    "orario di lavoro": "employment_type",
    "retribuzione": "salary",
    "stipendio": "salary",
    "ral": "salary",
    "scadenza": "deadline",
    "data di scadenza": "deadline",
    "candidature entro": "deadline",
    "pubblicato il": "posted_on",
    "data di pubblicazione": "posted_on",
    "pubblicato": "posted_on",
    "azienda": "employer",
    "datore di lavoro": "employer",
    "modalità di lavoro": "remote",
    "codice annuncio": "identifier",
    "riferimento": "identifier",
    # Dutch
    "locatie": "location",
    "standplaats": "location",
    "werklocatie": "location",
    "plaats": "location",
    "dienstverband": "employment_type",
    "soort dienstverband": "employment_type",
    "contracttype": "employment_type",
    "type contract": "employment_type",
    "uren": "employment_type",
    "salaris": "salary",
    "salarisindicatie": "salary",
    "sluitingsdatum": "deadline",
    "reageren voor": "deadline",
    "solliciteren tot": "deadline",
    "geplaatst op": "posted_on",
    "publicatiedatum": "posted_on",
    "geplaatst": "posted_on",
    "bedrijf": "employer",
    "werkgever": "employer",
    "organisatie": "employer",
    "vacaturenummer": "identifier",
    "referentienummer": "identifier",
    "werkvorm": "remote",
    "thuiswerken": "remote",
    # Polish
    "lokalizacja": "location",
    "miejsce pracy": "location",
    "rodzaj umowy": "employment_type",
    "typ umowy": "employment_type",
    "forma zatrudnienia": "employment_type",
    "wymiar pracy": "employment_type",
    "wymiar etatu": "employment_type",
    "wynagrodzenie": "salary",
    "termin aplikacji": "deadline",
    "ważna do": "deadline",
    "oferta ważna do": "deadline",
    "data publikacji": "posted_on",
    "opublikowano": "posted_on",
    "firma": "employer",
    "pracodawca": "employer",
    "tryb pracy": "remote",
    "model pracy": "remote",
    "praca zdalna": "remote",
    "numer referencyjny": "identifier",
    # Korean
    "근무지": "location",
    "근무지역": "location",
    "근무 지역": "location",
    "근무장소": "location",
    "고용형태": "employment_type",
    "고용 형태": "employment_type",
    "근무형태": "employment_type",
    "급여": "salary",
    "연봉": "salary",
    "마감일": "deadline",
    "접수마감": "deadline",
    "마감": "deadline",
    "등록일": "posted_on",
    "게시일": "posted_on",
    "회사명": "employer",
    "기업명": "employer",
    "근무방식": "remote",
    # Japanese
    "勤務地": "location",
    "勤務場所": "location",
    "雇用形態": "employment_type",
    "給与": "salary",
    "年収": "salary",
    "月給": "salary",
    "時給": "salary",
    "応募締切": "deadline",
    "締切日": "deadline",
    "掲載日": "posted_on",
    "公開日": "posted_on",
    "掲載開始日": "posted_on",
    "会社名": "employer",
    "企業名": "employer",
    "勤務形態": "remote",
    "リモートワーク": "remote",
}
# Labels listed to say they are known but carry no field (a start date is not a posting date).
LABELS: dict[str, str] = {label: field for label, field in _SPELLINGS.items() if field}
LABEL_FIELDS = frozenset(field for field in LABELS.values() if field)
LABEL_ALTERNATION = "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True))
LABELLED = re.compile(rf"(?:^|(?<=[\s|\u00b7\u2022,;]))({LABEL_ALTERNATION})\s*[:\uff1a]\s*", re.I)
# The same read backwards from a colon: only the 40 characters before each colon are tried,
# so long text costs a scan for ":" rather than the label alternation at every position.
_LABEL_BEFORE_COLON = re.compile(rf"(?:^|(?<=[\s|\u00b7\u2022,;(]))({LABEL_ALTERNATION})\s*$", re.I)
_COLON = re.compile(r"[:\uff1a]\s*")


def labelled_spans(text: str) -> list[tuple[str, int, int]]:
    """(field, label start, value start) for each "Label: value" in `text`, in order."""
    spans: list[tuple[str, int, int]] = []
    if ":" not in text and "\uff1a" not in text:
        return spans  # the usual description: no labelled line at all
    for colon in _COLON.finditer(text):
        start = max(0, colon.start() - 40)
        match = _LABEL_BEFORE_COLON.search(text, start, colon.start())
        if match is None:
            continue
        if match.start() == start and start > 0 and not text[start - 1].isspace():
            continue  # the 40-character window cut a word: "Xlocation:" is no label
        spans.append((LABELS[match.group(1).lower()], match.start(), colon.end()))
    return spans


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
    r"(?:\b(?:apply|jetzt bewerben|bewerben|bewerbung|postular|postúlate|postulate|postula|"
    r"inscrever|inscreva|candidatar|candidate-se|candidater|postuler|candidatura|candidati|candidatura|"
    r"candidata't|inscriu|inscriu-te|solliciteer|solliciteren|reageer|aplikuj|złóż aplikację|"
    r"submit (?:your )?application|send (?:your )?cv|envía tu cv)(?![^\W\d_])|지원하기|입사지원|"
    r"応募する|応募|エントリー)",
    re.I,
)
REQUIREMENTS_HEADING = re.compile(
    r"requirements|qualifications|what you(?:['\u2019]ll)? (?:need|bring)|must[- ]haves?|"
    r"anforderungen|dein profil|ihr profil|qualifikation|requisitos|perfil|exigences|"
    r"profil recherché|votre profil|compétences|requisiti|requisiti richiesti|il tuo profilo|"
    r"competenze|requisits|perfil requerit|què busquem|functie-eisen|wat vragen wij|"
    r"wat breng je mee|jouw profiel|wymagania|nasze wymagania|oczekujemy|"
    r"자격요건|자격 요건|우대사항|필수|応募資格|"
    r"必須スキル|求めるスキル|歓迎スキル|who you are|about you|skills|das bringst du mit|"
    r"was du mitbringst|was sie mitbringen|your profile|what we(?:'re| are)? look(?:ing)? for|"
    r"you bring|you have|what you bring|wat wij vragen|cosa cerchiamo|o que procuramos|"
    r"ce que nous recherchons|lo que buscamos|qué buscamos",
    re.I,
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# An intern's title: the employment type without any label.
INTERN_TITLE = re.compile(
    r"(?:^stage\b|\b(?:intern|internship|praktikum|praktikant(?:in)?|stagiaire|stagiair|pr\u00e1cticas|"
    r"becario|becaria|est\u00e1gio|estagi\u00e1rio|tirocinio|tirocinante|sta\u017c|sta\u017cysta|praktyki|"
    r"werkstudent(?:in)?)\b|\uc778\ud134|\u30a4\u30f3\u30bf\u30fc\u30f3)",
    re.I,
)
YES_WORDS = frozenset(
    ["yes", "y", "true", "si", "sí", "ja", "oui", "tak", "sim", "sì", "예", "はい", "可"]
)
NO_WORDS = frozenset(
    ["no", "n", "false", "nein", "non", "nie", "não", "nee", "아니오", "いいえ", "不可"]
)
# Section headings of a posting body: never its title.
SECTION_HEADING = re.compile(
    REQUIREMENTS_HEADING.pattern + r"|responsibilities|benefits|about us|about the role|"
    r"your tasks|deine aufgaben|ihre aufgaben|funciones|missions|mansioni|taken|obowi\u0105zki|"
    r"\uc8fc\uc694\uc5c5\ubb34|\u4ed5\u4e8b\u5185\u5bb9|\u52df\u96c6\u8981\u9805|"
    r"similar jobs|related jobs|other jobs|weitere stellen",
    re.I,
)
