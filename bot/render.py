"""Messages and keyboards: what the bot shows, separate from what it does."""

from __future__ import annotations

import datetime as dt
import html

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, NAMES, t, tn
from finder import wording
from finder.model import Offer
from finder.search import Results
from finder.search.query import RADII_KM

MAX_TEXT = 4096
MAX_CALLBACK = 64
PAGE_SIZE = 5

# Callback-data prefixes: one letter, a colon, a value.
AGE, DISTRICT, TOPIC, PAGE, OFFER, MAP, LANG, FORGET, CHANGE = "a d t p o m l f c".split()
RADIUS = "u"
"""How far the family would travel (u:<km> or u:all, Umkreis)."""
WRONG, REPORTED = "w", "y"
"""An offer's "Stimmt etwas nicht?" (w:<offer>) and the reason chosen (y:<n><offer>)."""
CALL, HOURS = "n", "z"
"""A first-contact place's phone as a contact card (Nummer), and its opening hours (Zeiten)."""
KEEP, PERSON, REMIND, REMIND_AT, UNREMIND = "k h r s x".split()
"""Keep the language written in, write with a person, remind of a date (the date chosen,
the reminder deleted)."""
OPEN = "+"
"""Before a place id in a district button: show the places inside it (Ortsteile)."""

AGE_GROUPS = {
    # group: (label, the child's ages in whole years the search is asked for)
    "exp": (N_("Wir erwarten ein Baby"), ()),
    "0": (N_("unter 1 Jahr"), (0,)),
    "1": (N_("1 bis 3 Jahre"), (1, 2)),
    "3": (N_("3 bis 6 Jahre"), (3, 4, 5)),
    "6": (N_("6 bis 10 Jahre"), (6, 7, 8, 9)),
    "10": (N_("10 bis 16 Jahre"), (10, 11, 12, 13, 14, 15)),
    "16": (N_("16 Jahre und älter"), (16, 17, 18, 19, 20, 21, 22, 23, 24, 25)),
}


def nothing_fits(found: Results) -> bool:
    """Whether the answer is an honest "nothing fits exactly": the search's own fit is not
    strong (finder.search.fit: partial or none). Such answers offer a person."""
    return not found.exact


class StaleButton(Exception):
    """A button whose data we do not know (any more): an old message, a changed catalogue,
    or forged data. The family is told so; any other error is a bug and is logged."""


def data(prefix: str, value: str = "") -> str:
    """Callback data within Telegram's 64 bytes."""
    payload = f"{prefix}:{value}"
    if len(payload.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback data too long: {payload!r}")
    return payload


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=cb)
                                  for text, cb in row] for row in rows if row])


def fit(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label(catalogue, kind: str, key: str, lang: str) -> str:
    labels = catalogue.vocabulary[kind].get(key, {}).get("labels", {})
    return labels.get(lang) or labels.get("de") or key


def language_question() -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(t(code, "Bitte wählen Sie Ihre Sprache.") for code in NAMES)
    rows = [[(NAMES[c], data(LANG, c)) for c in list(NAMES)[i:i + 2]] for i in range(0, 7, 2)]
    return text, keyboard(rows)


def age_question(lang: str) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [(t(lang, label_), data(AGE, key)) for key, (label_, _) in AGE_GROUPS.items()]
    rows = [buttons[:1]] + [buttons[i:i + 2] for i in range(1, len(buttons), 2)]
    return t(lang, "Wie alt ist Ihr Kind?"), keyboard(rows)


def district_question(catalogue, lang: str, within: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The places to choose from: the town's (or, within a place, the whole place and its
    parts). A place with parts opens them; the family may also take it whole."""
    places = catalogue.places
    if within is None:
        rows = [[(t(lang, "ganze Stadt"), data(DISTRICT, "all"))]]
        choices = [p for p in places.in_order() if p.parent is None]
    else:
        rows = [[(t(lang, "ganz %(place)s", place=places[within].name_in(lang)),
                  data(DISTRICT, within))]]
        choices = [places[p] for p in places.parts(within)]
    buttons = [(p.name_in(lang) + (" …" if places.parts(p.id) else ""),
                data(DISTRICT, (OPEN if places.parts(p.id) else "") + p.id)) for p in choices]
    rows += [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    if places.nested:
        question = t(lang, "Wo wohnen Sie?")
    else:
        question = t(lang, "In welchem Stadtteil wohnen Sie?") + "\n" + t(
            lang, "Sie können auch Ihren Standort teilen (📎 → Standort): Dann suche ich den "
                  "Stadtteil heraus.")
    return question, keyboard(rows)


def radius_question(lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """How far the family would travel (from their place, straight line)."""
    buttons = [(t(lang, "egal"), data(RADIUS, "all"))] + [
        (wording.radius_words(km, lang), data(RADIUS, str(km))) for km in RADII_KM]
    return t(lang, "Wie weit dürfen die Angebote entfernt sein?"), keyboard([buttons])


def topic_question(catalogue, lang: str, topics) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [(label(catalogue, "topic", key, lang), data(TOPIC, key)) for key in topics]
    rows = [[(t(lang, "alle Themen"), data(TOPIC, "all"))]]
    rows += [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return t(lang, "Welches Thema?"), keyboard(rows)


def results(catalogue, found: Results, lang: str, today: dt.date, keep: str | None = None,
            person: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """Up to five offers as short cards, with buttons for details, paging and filters.
    When nothing fits exactly, it says so and shows first the places that help with any
    question (their phone and hours as buttons), then the offers as related ones.
    `keep`: the language the family wrote in, offered to keep; `person`: a button to
    write with a person (on honest "nothing fits" and crisis answers)."""
    q = found.query
    lines = emergency_lines(catalogue, lang) if found.emergency else []
    if found.exact:
        count = tn(lang, "%(num)d Angebot gefunden", "%(num)d Angebote gefunden", found.total)
        lines.append(f"<b>{html.escape(count)}</b>")
    else:
        lines.extend(no_fit_lines(found, lang, today))
    if person and nothing_fits(found):
        lines.append(html.escape(t(lang, NOTHING_FITS)))
    if found.suggestion:
        lines.append(f"{html.escape(t(lang, 'Meinten Sie:'))} <i>{html.escape(found.suggestion)}</i>?")
    if found.relaxed:
        lines.append(html.escape(t(lang, "Für Ihre genaue Suche gab es nichts. Wir zeigen deshalb:")))
        lines.extend(f"• {html.escape(relaxed_label(step, lang))}" for step in found.relaxed)
    def district_name(key: str) -> str:
        place = catalogue.places.get(key)
        return place.name_in(lang) if place else key

    if not found.exact and found.hits:
        related = tn(lang, "%(num)d verwandtes Angebot – es passt nicht genau",
                     "%(num)d verwandte Angebote – sie passen nicht genau", found.total)
        lines.append(f"\n<b>{html.escape(related)}</b>")
    for number, hit in enumerate(found.hits, start=(q.page - 1) * q.page_size + 1):
        facts = [hit.offer.ages_in_words(lang),
                 *wording.where_parts(hit.why, hit.offer, lang, district_name, found.district,
                                      hit.distance_km)]
        if hit.free:
            facts.append(t(lang, "kostenlos"))
        card = [f"\n<b>{number}. {html.escape(hit.title)}</b>", html.escape(hit.summary),
                f"<i>{html.escape(' · '.join(facts))}</i>"]
        if hit.stale:
            card.append("⚠️ " + html.escape(
                t(lang, "Seit über einem Jahr nicht überprüft – bitte vorher anrufen.")))
        lines.append("\n".join(card))
    detail_row = [(str(n), data(OFFER, hit.id)) for n, hit in
                  enumerate(found.hits, start=(q.page - 1) * q.page_size + 1)]
    nav = []
    if q.page > 1:
        nav.append(("◀ " + t(lang, "zurück"), data(PAGE, str(q.page - 1))))
    if q.page < found.pages:
        nav.append((t(lang, "weiter") + " ▶", data(PAGE, str(q.page + 1))))
    place = t(lang, "Ort") if catalogue.places.nested else t(lang, "Stadtteil")
    change = [(t(lang, "Alter"), data(CHANGE, "age")), (place, data(CHANGE, "district")),
              (t(lang, "Thema"), data(CHANGE, "topic"))]
    if found.district:
        change.append((t(lang, "Umkreis"), data(CHANGE, "radius")))
    places = [[("📞 " + fit(hit.title, 40), data(CALL, hit.id)),
               ("🕘 " + t(lang, "Öffnungszeiten"), data(HOURS, hit.id))]
              for hit in found.first_contact if hit.offer.phones]
    rows = [*places, detail_row, nav, change]
    if person:
        rows.insert(0, [("🙋 " + t(lang, PERSON_BUTTON), data(PERSON, "ask"))])
    if keep:
        rows.append([(t(keep, wording.KEEP_LANGUAGE), data(KEEP, keep))])
    return fit("\n".join(lines)), keyboard(rows)


def no_fit_lines(found: Results, lang: str, today: dt.date) -> list[str]:
    """Nothing fits exactly: said so, then the places that help with any question, each
    with its phone and opening hours."""
    if found.query.text:
        said = t(lang, "Für „%(words)s“ haben wir kein Angebot gefunden, das genau passt.",
                 words=found.query.text)
    else:
        said = t(lang, "Für Ihre Auswahl haben wir kein Angebot gefunden, das genau passt.")
    lines = [f"<b>{html.escape(t(lang, 'Kein Angebot passt genau'))}</b>", html.escape(said)]
    if not found.first_contact:
        return lines
    lines.append(html.escape(t(lang, "Hier hilft man Ihnen bei jeder Frage weiter und weiß, "
                                     "wer zuständig ist:")))
    for hit in found.first_contact:
        facts = [*hit.offer.phones[:1], *hours(hit.offer, lang, today)]
        lines.append(f"☎️ <b>{html.escape(hit.title)}</b>\n{html.escape(hit.summary)}\n"
                     f"<i>{html.escape(' · '.join(facts))}</i>")
    return lines


def hours(offer: Offer, lang: str, today: dt.date) -> list[str]:
    """When someone is there: around the clock, the opening hours, or the next dates."""
    if offer.always_reachable:
        return [t(lang, wording.ALWAYS_REACHABLE)]
    return offer.hours_in_words(today, lang) or offer.next_dates_in_words(today, lang)


NOTHING_FITS = N_("Genau das haben wir nicht gefunden. Eine Person aus der Beratung kann Ihnen "
                  "weiterhelfen.")
PERSON_BUTTON = N_("Mit einer Person schreiben")


def emergency_lines(catalogue, lang: str) -> list[str]:
    """The national helplines, on top of every search about violence, abuse or a crisis."""
    lines = [f"🆘 <b>{html.escape(t(lang, wording.EMERGENCY_TITLE))}</b>",
             html.escape(t(lang, wording.EMERGENCY_INTRO))]
    return [*lines, *helpline_lines(catalogue, lang), ""]


def helpline_lines(catalogue, lang: str) -> list[str]:
    """Each national helpline: number, name and when it answers."""
    lines = []
    for line in catalogue.helplines:
        name = wording.helpline_text(line, "name", lang)
        hours = wording.helpline_text(line, "hours", lang)
        lines.append(f"☎️ <b>{html.escape(line['phone'])}</b> – {html.escape(name)} "
                     f"<i>({html.escape(hours)})</i>")
    return lines


def relaxed_label(step: str, lang: str) -> str:
    return t(lang, wording.RELAXED[step]) if step in wording.RELAXED else step


def offer(catalogue, offer: Offer, lang: str, today: dt.date,
          remind: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """One offer: what, for whom, when, where, cost, languages, contact; with `remind`, a
    button to be reminded of one of its next dates."""
    name = offer.text("name", lang)
    description = "\n\n".join(" ".join(paragraph.split()) for paragraph in
                                offer.text("description", lang).split("\n\n"))
    parts = [f"<b>{html.escape(name)}</b>", html.escape(offer.text("summary", lang))]
    if not offer.is_current(today):
        parts.append("⚠️ " + html.escape(t(lang, "Dieses Angebot läuft zurzeit nicht.")))
    parts.append(f"\n<b>{html.escape(t(lang, 'Für wen?'))}</b> "
                 + html.escape(offer.ages_in_words(lang)))
    schedule_text = offer.text("schedule_description", lang)
    dates = offer.next_dates_in_words(today, lang)
    when = (dates or offer.hours_in_words(today, lang)) + ([schedule_text] if schedule_text else [])
    if offer.always_reachable:
        when.insert(0, t(lang, wording.ALWAYS_REACHABLE))
    parts.append(f"<b>{html.escape(t(lang, 'Wann?'))}</b> "
                 + html.escape("; ".join(when) or t(lang, "Termine nach Vereinbarung.")))
    where = [", ".join(loc.address_lines()) for loc in offer.locations]
    if offer.attending_type in wording.ATTENDANCE_LONG:
        where.insert(0, t(lang, wording.ATTENDANCE_LONG[offer.attending_type]))
    parts.append(f"<b>{html.escape(t(lang, 'Wo?'))}</b> " + html.escape("; ".join(where)))
    if offer.locations:
        parts.append(html.escape(t(lang, wording.WHEELCHAIR[offer.wheelchair])))
    cost = t(lang, "Kostenlos.") if offer.free else ""
    fees = offer.text("fees_description", lang)
    parts.append(f"<b>{html.escape(t(lang, 'Was kostet es?'))}</b> "
                 + html.escape(" ".join(x for x in (cost, fees or "") if x)))
    names = [Locale.parse(lang).languages.get(code, code) for code in offer.languages]
    parts.append(f"<b>{html.escape(t(lang, 'In welchen Sprachen?'))}</b> "
                 + html.escape(", ".join(names)))
    signup = (t(lang, "Bitte vorher anmelden.") if offer.registration_required
              else t(lang, "Keine Anmeldung nötig – einfach hingehen."))
    process = offer.text("application_process", lang)
    parts.append(f"<b>{html.escape(t(lang, 'Anmeldung'))}</b> "
                 + html.escape(" ".join(x for x in (signup, process or "") if x)))
    contact = [*offer.phones, *([offer.email] if offer.email else [])]
    if contact:
        parts.append(f"<b>{html.escape(t(lang, 'Kontakt'))}</b> " + html.escape(", ".join(contact)))
    head = "\n".join(parts)
    body = html.escape(description)
    text = head + "\n\n" + body
    if len(text) > MAX_TEXT:
        text = head + "\n\n" + html.escape(fit(description, MAX_TEXT - len(head) - 40))
    rows = []
    if offer.url:
        rows.append([InlineKeyboardButton(t(lang, "Webseite"), url=offer.url)])
    if offer.locations and offer.locations[0].located:
        rows.append([InlineKeyboardButton("📍 " + t(lang, "In der Karten-App öffnen"),
                                          callback_data=data(MAP, offer.id))])
    if remind and fits_callback(REMIND_AT, f"20000101:{offer.id}"):
        rows.append([InlineKeyboardButton("🔔 " + t(lang, "Erinnere mich"),
                                          callback_data=data(REMIND, offer.id))])
    if len(f"{REPORTED}:0{offer.id}".encode()) <= MAX_CALLBACK:
        rows.append([InlineKeyboardButton(t(lang, wording.REPORT_TITLE),
                                          callback_data=data(WRONG, offer.id))])
    return text, InlineKeyboardMarkup(rows)


def report_choice(offer: Offer, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The short choice of what is wrong with an offer: one button per reason."""
    text = (f"<b>{html.escape(t(lang, wording.REPORT_TITLE))}</b>\n"
            f"{html.escape(offer.text('name', lang))}\n\n"
            + html.escape(t(lang, "Was stimmt nicht? Ihr Hinweis geht ohne Ihren Namen und ohne "
                                  "Ihre Chat-Nummer an die Koordinierungsstelle.")))
    rows = [[(t(lang, words), data(REPORTED, f"{index}{offer.id}"))]
            for index, words in enumerate(wording.REPORT_REASONS.values())]
    return text, keyboard(rows)


def fits_callback(prefix: str, value: str) -> bool:
    """Whether a button's data fits Telegram's 64 bytes (an offer's id has no limit)."""
    return len(f"{prefix}:{value}".encode()) <= MAX_CALLBACK


def referral_list(offers: list[Offer], lang: str, asked: int) -> tuple[str, InlineKeyboardMarkup]:
    """A family centre's list: each offer's name and summary in lang, a button each."""
    lines = [f"<b>{html.escape(t(lang, 'Ihre Liste aus dem Familienzentrum'))}</b>"]
    for number, offer in enumerate(offers, start=1):
        lines.append(f"\n<b>{number}. {html.escape(offer.text('name', lang))}</b>\n"
                     f"{html.escape(offer.text('summary', lang))}")
    if len(offers) < asked:
        lines.append("\n" + html.escape(t(lang, "Ein Angebot dieser Liste gibt es nicht mehr.")))
    rows = [[(f"{n}. {fit(offer.text('name', lang), 60)}", data(OFFER, offer.id))]
            for n, offer in enumerate(offers, start=1)]
    return fit("\n".join(lines)), keyboard(rows)
