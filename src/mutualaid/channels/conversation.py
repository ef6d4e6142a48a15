"""The SMS keyword conversation: ask for help, offer help, check status, STOP / START / HELP, check-ins.

`reply_to(contact, text)` moves the contact's conversation one step and returns the answers to send,
in the contact's language (English, Spanish, French or Haitian Creole, chosen with a keyword or
detected from the first message). Each step validates the reply and says clearly what it expects. Writes go through
`channels.board`, so the result lands on the group's board.
"""

from __future__ import annotations

import json
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

from mutualaid.channels import alert_reports, board, slots
from mutualaid.channels.labels import SMS_LABELS
from mutualaid.channels.models import Contact, IntakeKind, IntakeRequest, Urgency
from mutualaid.core.categories import Category, deliverable_categories
from mutualaid.core.speaking import speaking

# French (ARRET…) and Haitian Creole (KANPE…) words sit beside the Spanish ones; accents are folded
# away, so ÈD is ED and ALÈT is ALET.
STOP = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR", "ALTO", "BAJA", "ARRET", "KANPE"}
START = {"START", "UNSTOP", "COMENZAR", "INICIO", "ALTA", "COMMENCER", "KOMANSE"}
HELP = {"HELP", "INFO", "AYUDA", "INFORMACION", "AIDE", "ED", "EDE"}
MENU = {"MENU"}
# The menu's numbers (menu()), understood where the menu was the last thing asked: no question is open.
MENU_NUMBERS = {"1": "NEED", "2": "OFFER", "3": "STATUS"}
NEED = {"NEED", "NECESITO", "PEDIR", "BESOIN", "BEZWEN"}
OFFER = {"OFFER", "OFREZCO", "OFRECER", "OFFRE", "OFFRIR", "OFRI"}
STATUS = {"STATUS", "ESTADO", "STATUT", "ESTATI"}
NEWS = {"NEWS", "NOTICIAS", "NOUVELLES", "NOUVEL"}
YES = {"YES", "Y", "SI", "OUI", "WI"}
NO = {"NO", "N", "NON"}
# Keywords that say which language someone writes in. STOP and START are left out: carriers teach
# them to everyone, whatever their language.
SPANISH_WORDS = {
    "PARAR",
    "ALTO",
    "BAJA",
    "COMENZAR",
    "INICIO",
    "ALTA",
    "AYUDA",
    "INFORMACION",
    "NECESITO",
    "PEDIR",
    "OFREZCO",
    "OFRECER",
    "ESTADO",
    "SI",
    "ESPANOL",
    "NOTICIAS",
    "ALERTA",
}
ENGLISH_WORDS = {"HELP", "NEED", "OFFER", "STATUS", "YES", "ENGLISH", "INGLES", "NEWS", "ALERT"}
FRENCH_WORDS = {"ARRET", "COMMENCER", "AIDE", "BESOIN", "OFFRE", "OFFRIR", "STATUT", "NOUVELLES", "OUI"}
FRENCH_WORDS |= {"ALERTE", "FRANCAIS"}
KREYOL_WORDS = {"KANPE", "KOMANSE", "ED", "EDE", "BEZWEN", "OFRI", "ESTATI", "NOUVEL", "WI", "ALET", "KREYOL"}
LANGUAGE_WORDS = {
    "ESPANOL": "es",
    "ENGLISH": "en",
    "INGLES": "en",
    "FRANCAIS": "fr",
    "FRENCH": "fr",
    "KREYOL": "ht",
    "CREOLE": "ht",
}
# Which language a keyword implies (NON and MENU are shared, so they imply none).
WORD_LANGUAGE = (
    dict.fromkeys(SPANISH_WORDS, "es")
    | dict.fromkeys(ENGLISH_WORDS, "en")
    | dict.fromkeys(FRENCH_WORDS, "fr")
    | dict.fromkeys(KREYOL_WORDS, "ht")
    | LANGUAGE_WORDS
)
# Words that give away a first message written in Spanish.
SPANISH_HINTS = {
    "HOLA",
    "NECESITO",
    "AYUDA",
    "COMIDA",
    "GRACIAS",
    "QUIERO",
    "POR",
    "FAVOR",
    "BUENOS",
    "BUENAS",
    "DIAS",
    "TENGO",
    "PARA",
    "MI",
    "FAMILIA",
    "ESTOY",
    "PUEDO",
    "NECESITAMOS",
    "VIVIENDA",
}
# Words that give away a first message written in French, or in Haitian Creole.
FRENCH_HINTS = {"BONJOUR", "BESOIN", "AIDE", "MERCI", "JE", "AI", "NOURRITURE", "MANGER", "SVP", "PLAIT"}
FRENCH_HINTS |= {"FAMILLE", "LOGEMENT", "AIDEZ", "MOI", "NOUS", "AVONS", "SUIS"}
KREYOL_HINTS = {"BONJOU", "MWEN", "BEZWEN", "MANJE", "MESI", "TANPRI", "FANMI", "NOU", "EDE", "GEN"}
KREYOL_HINTS |= {"KAY", "LAJAN", "PITIT", "YON", "SVP", "BONSWA"}

AREA_MAX = 80
DETAILS_MAX = 500
ON_WAY = "ontheway"  # the step asking whether a driver may text them when setting out

# Words accepted as answers where they are unambiguous: "food"/"comida" for a category, "today"/"hoy"
# for how soon. A sentence naming two categories is not guessed: the numbered question is asked.
CATEGORY_WORDS: dict[str, set[str]] = {
    Category.FOOD: {"FOOD", "COMIDA", "GROCERIES", "ALIMENTOS", "MEALS", "MEAL", "DESPENSA", "MANDADO"}
    | {"NOURRITURE", "MANGER", "REPAS", "COURSES", "MANJE"},
    Category.HOUSING: {"HOUSING", "VIVIENDA", "RENT", "RENTA", "ALQUILER", "EVICTION", "DESALOJO"}
    | {"LOGEMENT", "LOYER", "EXPULSION", "LOJMAN", "LWAYE"},
    Category.LEGAL: {"BAIL", "FIANZA", "LAWYER", "ABOGADO", "LEGAL", "AVOCAT", "AVOKA", "KOSYON"},
    Category.CHILDCARE: {"CHILDCARE", "BABYSITTER", "NINERA", "GUARDERIA", "GARDERIE", "NOUNOU", "GADRI"},
    Category.HEALTH: {"HEALTH", "SALUD", "MEDICINE", "MEDICINA", "MEDICINAS", "DOCTOR", "MEDICO"}
    | {"SANTE", "MEDICAMENT", "MEDICAMENTS", "MEDECIN", "MEDIKAMAN", "DOKTE"},
    Category.TRANSPORT: {"RIDE", "RIDES", "TRANSPORT", "TRANSPORTE", "AVENTON", "VIAJE", "TRANSPO"},
    Category.MONEY: {"MONEY", "DINERO", "CASH", "EFECTIVO", "ARGENT", "LAJAN"},
    Category.SUPPLIES: {"DIAPERS", "PANALES", "CLOTHES", "ROPA", "SUPPLIES", "COUCHES", "VETEMENTS"}
    | {"KOUCHE", "RAD"},
}
URGENCY_WORDS = {
    Urgency.TODAY: {"TODAY", "HOY", "NOW", "AHORA", "URGENT", "URGENTE", "YA"}
    | {"AUJOURDHUI", "MAINTENANT", "JODIA", "KOUNYEA", "IJAN"},
    Urgency.WEEK: {"WEEK", "SEMANA", "THISWEEK", "ESTASEMANA", "SEMAINE", "CETTESEMAINE", "SEMEN"}
    | {"SEMENSAA"},
    Urgency.ANYTIME: {"WHENEVER", "ANYTIME", "CUANDOSEA", "CUALQUIERMOMENTO", "NOHURRY", "SINPRISA"}
    | {"NIMPORTEQUAND", "PASPRESSE", "NENPOTLE"},
}
# A sentence with one of these asks for help ("Hola necesito comida", "I need food", "Mwen bezwen manje").
NEED_HINTS = {"NEED", "NEEDS", "NECESITO", "NECESITAMOS", "NECESITA", "AYUDENME", "PLEASE HELP"}
NEED_HINTS |= {"BESOIN", "BEZWEN", "AIDEZ"}


def _fold(text: str) -> str:
    """Upper case without accents, so SÍ, si and Si are one word."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def keyword(text: str) -> str:
    folded = _fold(text)
    return re.sub(r"[^A-Z0-9]", "", folded) if len(folded.split()) == 1 else ""


def detect_language(text: str, *, default: str = "en") -> str:
    word = keyword(text)
    if word in WORD_LANGUAGE:
        return WORD_LANGUAGE[word]
    if re.search(r"[ñ¿¡]", text.lower()):
        return "es"
    words = set(re.findall(r"[A-Z]+", _fold(text)))
    # The language whose hints the sentence uses most; Spanish first on a tie, as before.
    hits = [(len(words & hints), code) for code, hints in HINTS]
    best, code = max(hits, key=lambda hit: hit[0])
    return code if best else default


HINTS = [("es", SPANISH_HINTS), ("fr", FRENCH_HINTS), ("ht", KREYOL_HINTS)]


def _categories(contact: Contact) -> list[Category]:
    served = [c for c in Category if c.value in (contact.group.categories or [])]
    return served or list(Category)


def _draft(contact: Contact) -> dict[str, str]:
    try:
        value = json.loads(contact.draft or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _save(contact: Contact, *, step: str, draft: dict[str, str] | None = None) -> None:
    contact.step = step
    contact.draft = json.dumps(draft) if draft else ""
    contact.save(update_fields=["step", "draft", "language", "opted_out", "broadcasts", "checkin_for"])


# How to switch to each language texters can use, written in that language (one line each, never
# translated). Every character is in the GSM 7-bit alphabet (ñ, ò and the capital Ç are; a small ç is not and
# would make the whole text UCS-2, more than doubling its segments), so the menu stays within two segments.
# French cannot write "français" in it: its line says "this language", the keyword before it naming it.
SWITCH_LANGUAGE = {
    "en": "ENGLISH for English.",
    "es": "ESPANOL para español.",
    "ht": "KREYOL pou kreyòl.",
    "fr": "FRANCAIS pour nos messages dans cette langue.",
}


def menu() -> str:
    """What a texter can do, then how to switch to each of the other languages, each named in its own."""
    current = (translation.get_language() or "en").split("-")[0]
    others = [line for code, line in SWITCH_LANGUAGE.items() if code != current]
    what = _(
        "Reply 1 or NEED to ask for help, 2 or OFFER to offer help, 3 or STATUS to check your requests, "
        "STOP to stop messages."
    )
    return " ".join([what, *others])


def _category_question(contact: Contact, kind: str) -> str:
    lines = [f"{i} {SMS_LABELS[c]}" for i, c in enumerate(_categories(contact), start=1)]
    question = (
        _("What do you need? Reply with a number:")
        if kind == IntakeKind.NEED
        else _("What can you offer? Reply with a number:")
    )
    return question + "\n" + "\n".join(lines)


def _area_question() -> str:
    return _("Which neighbourhood or ZIP code are you in? No street address, please.")


def _urgency_question() -> str:
    return _("How soon? Reply 1 for today, 2 for this week, 3 for whenever.")


def _details_question(kind: str) -> str:
    if kind == IntakeKind.NEED:
        return _("Anything else we should know? Reply in a few words, or NO.")
    return _("Tell us a little more about your offer, or reply NO.")


def _on_way_question() -> str:
    return _("If a volunteer driver brings it, may we text you when they set out? Reply YES or NO.")


def reply_to(contact: Contact, text: str, *, first: bool = False, media: int = 0) -> list[str]:
    """Advance the conversation by one inbound message; returns the replies (maybe none).

    `first`: the contact's first message, whose words decide the language when no keyword does.
    `media`: how many pictures or attachments came with it (MMS); they are never opened.
    """
    word = keyword(text)
    if contact.opted_out and word not in START and word not in HELP:
        return []  # someone who said STOP hears nothing more until they say START
    if first or word in WORD_LANGUAGE:
        detected = detect_language(text, default=contact.language)
        if detected != contact.language:
            # Kept even by steps that save nothing else (AYUDA, ESTADO…): the next reply stays in it.
            contact.language = detected
            Contact.objects.filter(pk=contact.pk).update(language=detected)
    with speaking(contact.language):
        if media and not text.strip():
            # A picture alone answers no question: say so and ask the same question again, rather
            # than take it as an empty answer (which would file a request with no details).
            return [
                _("We cannot open pictures or attachments. Please answer in words.")
                + " "
                + _current_question(contact)
            ]
        return _reply(contact, text, word)


def _current_question(contact: Contact) -> str:
    kind, _sep, step = contact.step.partition(":")
    if step == "category":
        return _category_question(contact, kind)
    if step == "area":
        return _area_question()
    if step == "urgency":
        return _urgency_question()
    if step == "details":
        return _details_question(kind)
    if kind == "alert":
        return alert_reports.question(step)
    return menu()


def _reply(contact: Contact, text: str, word: str) -> list[str]:
    if not contact.step and word in MENU_NUMBERS:
        word = MENU_NUMBERS[word]  # "1" in answer to the welcome (or HELP, START, MENU) is NEED
    if word in STOP:
        contact.opted_out = True
        _save(contact, step="")
        return [
            _("You will get no more messages from %(group)s. Reply START to come back.")
            % {"group": contact.group.name}
        ]
    if word in START:
        contact.opted_out = False
        _save(contact, step="")
        return [_("Welcome back to %(group)s.") % {"group": contact.group.name} + " " + menu()]
    if word in HELP:
        return [
            _("%(group)s, a mutual aid network.") % {"group": contact.group.name}
            + " "
            + menu()
            + " "
            + _("Reply NEWS for announcements.")
            + slots.help_line(contact.group)
            + " "
            + _("Reply ALERT to report an emergency (raid, eviction, police, disaster).")
        ]
    if word in NEWS:
        contact.broadcasts = not contact.broadcasts
        _save(contact, step=contact.step, draft=_draft(contact))
        if contact.broadcasts:
            return [
                _("You will get announcements from %(group)s. Reply NEWS again to stop them.")
                % {"group": contact.group.name}
            ]
        return [_("No more announcements from %(group)s.") % {"group": contact.group.name}]
    if word in LANGUAGE_WORDS:
        _save(contact, step=contact.step, draft=_draft(contact))
        return [
            {
                "en": _("We will write to you in English."),
                "fr": _("We will write to you in French."),
                "ht": _("We will write to you in Haitian Creole."),
            }.get(contact.language, _("We will write to you in Spanish."))
        ]
    if word in MENU:
        _save(contact, step="")
        return [menu()]
    if word in STATUS:
        _save(contact, step="")
        return [_status(contact)]
    if slots.wants(contact, text) and word not in NEED and word not in OFFER:
        return slots.with_language(contact, text)  # distribution-day slots: SLOT, a number, SLOT OFF
    if contact.step == slots.STEP:
        contact.step = ""  # the slot list was not answered with a number: read the message afresh
    if contact.step.endswith(f":{ON_WAY}"):
        answered = _on_way_answer(contact, text)  # clears the step: anything else is read afresh
        if answered is not None:
            return answered
    if contact.checkin_for_id and (word in YES or word in NO):
        return [_checkin_answer(contact, renew=word in YES)]
    if word in alert_reports.KEYWORDS:
        return alert_reports.start(contact)
    if word in NEED or word in OFFER:
        kind = IntakeKind.NEED if word in NEED else IntakeKind.OFFER
        _save(contact, step=f"{kind}:category", draft={"kind": kind})
        return [_category_question(contact, kind)]
    if contact.step:
        return _continue(contact, text)
    if _asks_for_help(text):
        return _start_need_from_sentence(contact, text)
    _save(contact, step="")
    return [_("Hello from %(group)s.") % {"group": contact.group.name} + " " + menu()]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Z0-9]+", _fold(text)))


def asks_for_help(text: str) -> bool:
    return bool(_words(text) & NEED_HINTS)


_asks_for_help = asks_for_help


def _start_need_from_sentence(contact: Contact, text: str) -> list[str]:
    """One helpful answer to a plain sentence that asks for help: a need is started with the words kept
    as its details, and only what the sentence did not say is asked (never the menu again and again)."""
    kind = IntakeKind.NEED
    draft = {"kind": kind, "said": text.strip()[:DETAILS_MAX]}
    category = _category_in_words(text, _categories(contact))
    hello = _("Hello from %(group)s. We will put your request on our board.") % {"group": contact.group.name}
    if category is None:
        _save(contact, step=f"{kind}:category", draft=draft)
        return [hello + " " + _category_question(contact, kind)]
    draft["category"] = category.value
    _save(contact, step=f"{kind}:area", draft=draft)
    return [hello + " " + _area_question()]


def _category_in_words(text: str, categories: list[Category]) -> Category | None:
    words = _words(text) | {"".join(_words(text))}
    found = [c for c in categories if CATEGORY_WORDS.get(c, set()) & words]
    return found[0] if len(found) == 1 else None


def _continue(contact: Contact, text: str) -> list[str]:
    draft = _draft(contact)
    kind, _sep, step = contact.step.partition(":")
    if kind == "alert":
        return alert_reports.answer(contact, step, text, draft)
    answer = text.strip()
    if step == "category":
        categories = _categories(contact)
        choice = _pick_category(answer, categories)
        if choice is None:
            return [
                _("Please reply with a number from 1 to %(max)d.") % {"max": len(categories)}
                + "\n"
                + _category_question(contact, kind)
            ]
        draft["category"] = choice.value
        _save(contact, step=f"{kind}:area", draft=draft)
        return [_area_question()]
    if step == "area":
        if not 2 <= len(answer) <= AREA_MAX:
            return [
                _("Please reply with your neighbourhood or ZIP code (2 to %(max)d characters).")
                % {"max": AREA_MAX}
            ]
        draft["area"] = answer
        if kind == IntakeKind.NEED:
            _save(contact, step=f"{kind}:urgency", draft=draft)
            return [_urgency_question()]
        _save(contact, step=f"{kind}:details", draft=draft)
        return [_details_question(kind)]
    if step == "urgency":
        urgency = {"1": Urgency.TODAY, "2": Urgency.WEEK, "3": Urgency.ANYTIME}.get(keyword(answer))
        if urgency is None:
            said = _words(answer) | {"".join(_words(answer))}
            matches = [u for u, words in URGENCY_WORDS.items() if words & said]
            urgency = matches[0] if len(matches) == 1 else None
        if urgency is None:
            return [_("Please reply 1, 2 or 3.") + " " + _urgency_question()]
        draft["urgency"] = urgency
        _save(contact, step=f"{kind}:details", draft=draft)
        return [_details_question(kind)]
    if step == "details":
        if len(answer) > DETAILS_MAX:
            return [
                _("That is too long for us. Please use at most %(max)d characters.") % {"max": DETAILS_MAX}
            ]
        details = "" if keyword(answer) in NO else answer
        if draft.get("said"):  # the first sentence they wrote is kept, with what they added
            details = (draft["said"] + ("\n" + details if details else ""))[:DETAILS_MAX]
        return _file(contact, kind, draft, details)
    _save(contact, step="")
    return [menu()]


def _file(contact: Contact, kind: str, draft: dict[str, str], details: str) -> list[str]:
    """Put the request on the board and thank them. A need for goods a driver may bring also asks, in the
    same message, whether they agree to a text when a driver sets out (answered YES or NO, or not at all)."""
    request = board.create_from_sms(
        group=contact.group,
        contact=contact,
        kind=kind,
        category=draft.get("category", Category.OTHER),
        area_text=draft.get("area", ""),
        urgency=draft.get("urgency", Urgency.ANYTIME),
        details=details,
        language=contact.language,
    )
    if kind != IntakeKind.NEED:
        _save(contact, step="")
        return [
            _("Thank you. Your offer %(code)s is on the board of %(group)s. Reply STATUS to check on it.")
            % {"code": request.code, "group": contact.group.name}
        ]
    thanks = _(
        "Thank you. Your request %(code)s is on the board of %(group)s; a neighbour will get in touch. Reply STATUS to check on it."
    ) % {"code": request.code, "group": contact.group.name}
    if request.post.category not in deliverable_categories():
        _save(contact, step="")
        return [thanks]
    _save(contact, step=f"{kind}:{ON_WAY}", draft={"kind": kind, "code": request.code})
    return [thanks + " " + _on_way_question()]


# "Yes please", "Sí, gracias", "No thanks": a short reply that starts with YES or NO answers a yes-or-no
# question. A longer one ("No, and we also need diapers") is a message of its own, read afresh.
SHORT_ANSWER_WORDS = 3


def short_answer(text: str) -> str:
    """The YES or NO word a short reply starts with, else the message's keyword (one word) or ""."""
    words = [re.sub(r"[^A-Z0-9]", "", word) for word in _fold(text).split()]
    words = [word for word in words if word]
    if 1 < len(words) <= SHORT_ANSWER_WORDS and (words[0] in YES or words[0] in NO):
        return words[0]
    return keyword(text)


def _on_way_answer(contact: Contact, text: str) -> list[str] | None:
    """YES or NO to "may we text you when a driver sets out", kept on their request; None for any other
    message (read afresh: the question is never asked twice)."""
    draft = _draft(contact)
    word = short_answer(text)
    contact.step = ""
    if word not in YES and word not in NO:
        return None
    agreed = word in YES
    IntakeRequest.objects.filter(contact=contact, code=draft.get("code", "")).update(text_on_way=agreed)
    _save(contact, step="")
    if agreed:
        return [_("Thanks: when a driver sets out with your delivery, we will text you.")]
    return [_("Fine: we will not text you when a driver sets out.")]


def _pick_category(answer: str, categories: list[Category]) -> Category | None:
    word = keyword(answer)
    if word.isdigit() and 1 <= int(word) <= len(categories):
        return categories[int(word) - 1]
    folded = _fold(answer)
    for category in categories:
        if folded in {_fold(category.value), _fold(str(category.label)), _fold(str(SMS_LABELS[category]))}:
            return category
    return _category_in_words(answer, categories)


def _status(contact: Contact) -> str:
    rows = board.statuses_for_contact(contact)
    if not rows:
        return _("You have no open requests or offers. Reply NEED to ask for help or OFFER to offer it.")
    lines = [
        _("%(code)s: %(kind)s, %(category)s, %(status)s")
        % {
            "code": row.code,
            "kind": row.kind_label,
            "category": row.category_label,
            "status": row.status_label,
        }
        for row in rows
    ]
    return _("Your requests and offers:") + "\n" + "\n".join(lines)


def _checkin_answer(contact: Contact, *, renew: bool) -> str:
    request = contact.checkin_for
    contact.checkin_for = None
    _save(contact, step=contact.step, draft=_draft(contact))
    if request is None:
        return menu()
    request = board.renew_or_close(request=request, renew=renew)
    if renew and not request.post.is_active:
        # A coordinator closed it, or someone's help was marked done, before the answer came.
        return _("Your request %(code)s was already closed. Reply NEED any time you need help.") % {
            "code": request.code
        }
    if renew:
        return _("Thanks. Your request %(code)s stays open.") % {"code": request.code}
    return _("We closed your request %(code)s. Reply NEED any time you need help.") % {"code": request.code}


def checkin_question(code: str) -> str:
    return _("Do you still need help with request %(code)s? Reply YES or NO.") % {"code": code}
