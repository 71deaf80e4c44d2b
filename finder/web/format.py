"""Formatting for the templates: labels, ages, opening hours, languages, links.

Everything here is presentation in the reader's language; nothing decides which
offers are shown.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from babel import Locale
from babel.dates import format_date
from flask import g
from flask_babel import get_translations
from markupsafe import Markup, escape

from finder import clock, i18n, wording
from finder.i18n import N_
from finder.model import RTL, TRANSLATABLE, Location, Offer, Provider
from finder.model.ages import child_age_words
from finder.model.glossary import Term


def register(app) -> None:
    for function in (label, district_name, district_choices, age_words, schedule_lines, language_name,
                     tel_href,
                     map_href, marked, show_date, offer_text, provider_text, why_label,
                     relaxed_label, is_stale, age_options, spoken_language_options,
                     helpline_text, emergency_text, osm_href, join_list, isolate,
                     location_accessibility, offer_languages, next_dates, format_day,
                     town_name_in, wheelchair_words, attendance_words, where_words, today,
                     place_choices, place_label, radius_options, active_filters, exit_url,
                     call_links, offer_terms, term_explanation):
        app.add_template_global(function)
    app.add_template_global(i18n.t, "t")
    app.jinja_env.globals.update(report_reasons=wording.REPORT_REASONS,
                                 report_thanks=wording.REPORT_THANKS)


def _lang() -> str:
    return getattr(g, "lang", "de")


def today() -> dt.date:
    """The request's day (read once at the edge, finder.clock)."""
    if "today" not in g:
        g.today = clock.today()
    return g.today


def translations():
    """The request's gettext catalogue, looked up once (pages call gettext often)."""
    found = getattr(g, "_translations", None)
    if found is None:
        found = g._translations = get_translations()
    return found


def _(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables




def label(catalogue, kind: str, key: str) -> str:
    """The label of a phase or topic in the reader's language, else German."""
    labels = catalogue.vocabulary[kind].get(key, {}).get("labels", {})
    return labels.get(_lang()) or labels.get("de") or key


def district_name(catalogue, key: str, lang: str | None = None) -> str:
    """A place's name as the reader's language (or lang) writes it (districts.yaml's names)."""
    place = catalogue.places.get(key)
    return place.name_in(lang or _lang()) if place else key


def district_choices(catalogue) -> list[tuple[str, str]]:
    """The district choices of the search forms, in the reader's language and order."""
    return wording.district_choices(catalogue.districts, _lang())


def place_choices(catalogue) -> list[tuple[str, str]]:
    """The places a family may pick, each followed by its parts (an Ortsteil under its
    Gemeinde, indented): any level may be chosen, the most specific is searched."""
    places = catalogue.places
    return [(p.id, "\u2003" * (p.level - 1) + p.name_in(_lang())) for p in places.in_order()]


def place_label(catalogue) -> str:
    """What the place choice is called: "Stadtteil" in a town of one level, "Ort" where
    places have parts (Gemeinde and Ortsteil, Bezirk and Planungsraum)."""
    return _("Ort") if catalogue.places.nested else _("Stadtteil")


def radius_options() -> list[tuple[int, str]]:
    """The radii offered (finder.search.query.RADII_KM), as "bis 10 km"."""
    from finder.search.query import RADII_KM

    return [(km, wording.radius_words(km, _lang())) for km in RADII_KM]


def age_words(offer: Offer, lang: str | None = None) -> str:
    """For whom, in words (finder.model.ages): "8–14 Jahre", «3–6 лет»."""
    return offer.ages_in_words(lang or _lang())


def schedule_lines(offer: Offer) -> list[str]:
    return offer.hours_in_words(today(), _lang())


_options: dict[tuple[str, str], list] = {}
SPOKEN = ("de", "en", "tr", "ar", "uk", "ru", "fa", "ku", "pl", "ro")


def age_options(max_age: int) -> list[tuple[int, str]]:
    """The choices of the age selects, made once per language."""
    key = (_lang(), f"age{max_age}")
    if key not in _options:
        _options[key] = [(y, child_age_words(y, _lang())) for y in range(max_age + 1)]
    return _options[key]


def spoken_language_options() -> list[tuple[str, str]]:
    key = (_lang(), "spoken")
    if key not in _options:
        _options[key] = [(code, language_name(code)) for code in SPOKEN]
    return _options[key]


def language_name(code: str, lang: str | None = None) -> str:
    """A language's name in the reader's language (or in lang)."""
    try:
        return Locale.parse(lang or _lang()).languages.get(code) or code
    except (ValueError, TypeError):
        return code


def tel_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


EMERGENCY_NUMBERS = re.compile(r"(?<![0-9۰-۹٠-٩])(110|112|۱۱۰|۱۱۲|١١٠|١١٢)(?![0-9۰-۹٠-٩])")
"""110 and 112 in a sentence, in the digits the translation wrote them in (Persian and
Arabic-Indic too)."""


def call_links(text: str) -> Markup:
    """A sentence naming 110 and 112 with both numbers callable where they stand, so that
    they can be called from the first screen, before the list of every helpline."""
    out, last = [], 0
    for match in EMERGENCY_NUMBERS.finditer(text):
        digits = match.group(0).translate(DIGITS)
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<a class="call-inline" href="tel:%s" dir="ltr">%s</a>') % (digits, match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def map_href(location: Location) -> str:
    """A geo: link, which an Android phone's map app opens (an iPhone does nothing with it:
    the https link to OpenStreetMap, osm_href, is the main one). No map is embedded."""
    name = quote(f"{location.name or ''} {location.address_1}".strip())
    return f"geo:{location.latitude},{location.longitude}?q={location.latitude}," \
           f"{location.longitude}({name})"


def marked(pieces: list[tuple[str, bool]]) -> Markup:
    """Highlight pieces as escaped HTML with <mark> around matched words."""
    return Markup("").join(Markup("<mark>%s</mark>") % text if hit else escape(text)
                           for text, hit in pieces)


def show_date(iso: str | None) -> str:
    if not iso:
        return ""
    return format_date(dt.date.fromisoformat(iso), "long", locale=_lang())


def offer_text(offer: Offer, field: str, lang: str | None = None) -> tuple[str, bool]:
    """A text of an offer in the reader's language (or in lang), and whether it fell back
    to German."""
    return offer.text_in(field, lang or _lang())


def provider_text(provider: Provider, field: str) -> tuple[str, bool]:
    return provider.text_in(field, _lang())


def why_label(why: str, district: str) -> str:
    return _(wording.WHY[why], district=district) if why in wording.WHY else ""


def relaxed_label(step: str) -> str:
    return _(wording.RELAXED[step]) if step in wording.RELAXED else step


def is_stale(offer: Offer) -> bool:
    return offer.is_stale(today())


def wheelchair_words(location: Location) -> str:
    """Whether a wheelchair gets in: yes, no, or not known, each said as such."""
    return _(wording.WHEELCHAIR[location.wheelchair_accessible])


def attendance_words(offer: Offer) -> str:
    """How the offer is attended, as a sentence; empty for an offer at a place."""
    text = wording.ATTENDANCE_LONG.get(offer.attending_type)
    return _(text) if text else ""


def where_words(offer: Offer, why: str, catalogue, searched: str | None,
                distance_km: float | None = None) -> list[str]:
    """Where an offer takes place, said once (finder.wording.where_parts)."""
    return wording.where_parts(why, offer, _lang(), lambda d: district_name(catalogue, d),
                               searched, distance_km)


def helpline_text(helpline: dict, field: str) -> str:
    return wording.helpline_text(helpline, field, _lang())


def emergency_text(name: str) -> str:
    """The emergency box's fixed sentences (finder.wording), in the reader's language."""
    return _(getattr(wording, name))


def osm_href(location: Location) -> str:
    """The place on OpenStreetMap: the map link that works on every phone and computer
    (geo: is the extra for map apps); the page itself loads nothing from there."""
    lat, lon = location.latitude, location.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def join_list(items: list[str]) -> str:
    """A list as the reader's language writes it (Arabic and Persian with ،)."""
    from babel.lists import format_list

    try:
        return format_list(list(items), style="standard", locale=_lang())
    except (ValueError, TypeError):
        return ", ".join(items)


_LATIN_RUN = re.compile(r"[A-Za-zÀ-ɏ][\wÀ-ɏ.&'’\-]*(?:[ /][A-Za-zÀ-ɏ0-9][\wÀ-ɏ.&'’\-]*)*")


def isolate(text: str) -> Markup:
    """On right-to-left pages, German names inside a translated text are isolated, so
    that their punctuation stays where it belongs ("Frauenverein e.V.", not ".Frauenverein e.V")."""
    if _lang() not in RTL:
        return escape(text)
    out, last = [], 0
    for match in _LATIN_RUN.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<bdi dir="ltr">%s</bdi>') % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def location_accessibility(location: Location, provider: Provider) -> tuple[str, bool]:
    """A place's accessibility note in the reader's language, and whether it is German.
    The provider's translation serves when the place is the provider's own."""
    note = location.accessibility or ""
    if _lang() != "de" and provider.location and \
            provider.location.address_1 == location.address_1:
        translated, fallback = provider.text_in("accessibility", _lang())
        if translated and not fallback:
            return translated, False
    return note, bool(note) and _lang() != "de"


def offer_languages(offer: Offer) -> list[str]:
    """The names of the languages spoken at an offer, in the reader's language."""
    return [language_name(code) for code in offer.languages]


def next_dates(offer: Offer) -> list[str]:
    """The offer's next sessions, "Di., 8.12., 09:30–11:30"."""
    return offer.next_dates_in_words(today(), _lang())


def format_day(day: dt.date, lang: str) -> str:
    return format_date(day, "long", locale=lang)


def town_name_in(lang: str) -> str:
    from finder.web.pages import town

    return wording.town_name(town(), lang)


FLAG_WORDS = {"expecting": N_("Schwangerschaft"), "free": N_("kostenlos"),
              "accessible": N_("mit Rollstuhl erreichbar"), "weekend": N_("auch am Wochenende"),
              "evening": N_("auch abends (ab 18 Uhr)"), "online": N_("online oder am Telefon")}
"""The yes/no filters as the summary of active filters names them."""


def active_filters(catalogue, query, link) -> list[tuple[str, str, str, str]]:
    """The filters a search has, beside its results: each as (parameter, value, words,
    the address of the same search without it). `link` makes an address from changed
    parameters (url_with on the website, desk_url on the desk). The search words are
    not a filter: they stay in the search field."""
    params = query.params()
    found = []
    for key, values in params.items():
        if key in ("q", "page"):
            continue
        for value in values:
            if not value:
                continue
            if key == "age":
                words = f"{_('Alter')}: {child_age_words(int(value), _lang())}"
            elif key == "district":
                words = f"{place_label(catalogue)}: {district_name(catalogue, value)}"
            elif key == "radius_km":
                words = f"{_('Umkreis')}: {wording.radius_words(int(value), _lang())}"
            elif key == "near":
                words = _("in der Nähe")
            elif key == "phase":
                words = f"{_('Lebensphase')}: {label(catalogue, 'phase', value)}"
            elif key == "topic":
                words = f"{_('Thema')}: {label(catalogue, 'topic', value)}"
            elif key == "lang_spoken":
                words = f"{_('Beratung in der Sprache')}: {language_name(value)}"
            else:
                words = _(FLAG_WORDS[key])
            rest = [v for v in values if v != value]
            found.append((key, value, words, link(**{key: rest or None, "page": None})))
    return found


def exit_url() -> str:
    """Where "leave this page quickly" goes: town.yaml's exit_url, else the main page of
    Wikipedia in the reader's language, a page anyone may have open: it shows no ads,
    loads fast on a slow network and exists in every language of the site. Our pages
    never load it; only the person's click goes there."""
    from finder.web.pages import town

    return town().get("exit_url") or f"https://{_lang()}.wikipedia.org/"


def offer_terms(catalogue, offer: Offer) -> list[Term]:
    """The glossary's German terms that the offer's German texts use (Jugendamt,
    Kinderzuschlag …): the offer page explains each on tap."""
    return catalogue.glossary.terms_in(getattr(offer, key) for key in TRANSLATABLE["offer"])


def term_explanation(term: Term) -> tuple[str, bool]:
    """A term's explanation in the reader's language, and whether it is the German one."""
    return term.explanation_in(_lang())
