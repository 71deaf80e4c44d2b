"""The desk view for family-centre staff, the referral list and the referral slip.

During a consultation staff search with every filter in sight, put offers on a list
and print a slip for the family: each offer in the family's language with the German
beside it, and QR codes that open the offer, or the whole list, on the family's phone
or in the bot. The list lives in the page's address (`list`, `family`) until the slip
is made; the slip's free-text lines arrive in a POST, are printed and never kept.
"""

from __future__ import annotations

import logging
import sqlite3

import segno
from flask import current_app, g, redirect, render_template, request, url_for
from markupsafe import Markup

from finder import pdf, wording
from finder.i18n import t
from finder.model import PHASE_IDS, RTL, TOPIC_IDS, Offer
from finder.referrals import MAX_OFFERS, ListError, Lists
from finder.web.format import district_name, language_name, today
from finder.web.pages import (
    MAX_AGE_YEARS,
    SEARCH_ARGS,
    BadParameter,
    bp,
    catalogue,
    offered_languages,
    query_from_args,
    town,
)

log = logging.getLogger(__name__)

DESK_PAGE_SIZE = 20
DESK_PARAMETERS = ("list", "family")
"""The desk's own parameters beside the search's: the referral list and the family's
language."""
MAX_NOTE = 200
DESK_AGES = 3
OFFER_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _lists() -> Lists:
    return Lists(current_app.config["DATA_DIR"])


def picked() -> list[str]:
    """The offers on the list, in order, known to the live catalogue. Every link of the
    desk asks for it, so it is worked out once a request."""
    if "picked" not in g:
        cat = catalogue()
        ids: list[str] = []
        for value in request.values.getlist("list"):
            for offer_id in value.split(","):
                if (offer_id and len(offer_id) <= 80 and set(offer_id) <= OFFER_ID_CHARS
                        and offer_id not in ids and cat.offer(offer_id) is not None):
                    ids.append(offer_id)
        g.picked = ids[:MAX_OFFERS]
    return list(g.picked)


def family_lang() -> str:
    value = request.values.get("family", "")
    return value if value in offered_languages() else g.lang


@bp.app_template_global()
def desk_url(**changes) -> str:
    """The desk with the current search, list and family language, some changed."""
    args = {k: request.args.getlist(k) for k in SEARCH_ARGS if request.args.get(k)}
    args["list"] = ",".join(picked()) or None
    args["family"] = family_lang() if request.values.get("family") else None
    for key, value in changes.items():
        args[key] = value
    if isinstance(args.get("list"), list):
        args["list"] = ",".join(args["list"]) or None
    return url_for("pages.desk", **{k: v for k, v in args.items() if v})


@bp.app_template_global()
def moved(ids: list[str], index: int, step: int) -> list[str]:
    """The list with one entry moved up (-1) or down (+1)."""
    ids = list(ids)
    other = index + step
    ids[index], ids[other] = ids[other], ids[index]
    return ids


@bp.route("/desk")
def desk():
    cat = catalogue()
    searched = any(request.args.get(k) for k in SEARCH_ARGS if k != "page")
    results = query = None
    try:
        query = query_from_args(DESK_PAGE_SIZE, also=DESK_PARAMETERS)
        if searched:
            results = cat.search(query, today())
    except BadParameter as error:
        return render_template("bad_request.html", parameter=error.parameter,
                               message=error.message), 400
    ids = picked()
    offers = cat.offers_by_ids(ids)
    return render_template(
        "desk.html", catalogue=cat, query=query, results=results,
        picked=ids, picked_offers=[offers[i] for i in ids], family=family_lang(),
        phases=PHASE_IDS, topics=TOPIC_IDS, max_age=MAX_AGE_YEARS, desk_ages=DESK_AGES)


@bp.route("/slip", methods=["GET", "POST"])
def slip():
    """The referral slip, made for A4. Notes come only in a POST, and only to be printed."""
    cat = catalogue()
    ids = picked()
    if not ids:
        return redirect(desk_url(list=None), code=303)
    family = family_lang()
    notes = {}
    if request.method == "POST":
        for offer_id in ids:
            note = " ".join(request.form.get(f"note-{offer_id}", "").split())[:MAX_NOTE]
            if note:
                notes[offer_id] = note
    offers = cat.offers_by_ids(ids)
    entries = [slip_entry(cat, offers[i], family) for i in ids]
    german = [slip_entry(cat, offers[i], "de") for i in ids] if family != "de" else None
    base = public_url()
    try:
        saved = _lists().save(ids, family, today())
    except (OSError, sqlite3.Error) as error:
        log.warning("a referral list could not be kept: %s", type(error).__name__)
        saved = None
    list_url = f"{base}/{family}/list/{saved.code}" if saved else None
    bot = town().get("telegram_bot")
    bot_url = f"https://t.me/{bot}?start=list_{saved.code}" if saved and bot else None
    pdf_available = pdf.available()
    as_pdf = request.values.get("format") == "pdf" and pdf_available
    response = render_template(
        "slip.html", as_pdf=as_pdf, pdf_available=pdf_available, catalogue=cat, ids=ids,
        entries=entries, german=german, notes=notes,
        family=family, family_dir="rtl" if family in RTL else "ltr",
        offer_urls=[f"{base}/{family}/offer/{i}" for i in ids],
        list_url=list_url, bot_url=bot_url, saved=saved, printed=today())
    if as_pdf:
        colour = town().get("accent_colour") or "#0b5c6b"
        _, document = pdf.render(response, current_app.static_folder,
                              {url_for("root.town_css"): f":root {{ --accent: {colour}; }}"})
        return document, 200, {"Content-Type": "application/pdf", "Cache-Control": "no-store",
                               "Content-Disposition": f'attachment; filename="zettel-{family}.pdf"'}
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/list/<code>")
def shared_list(code: str):
    """A referral list opened from its QR code, in the language of the address."""
    cat = catalogue()
    try:
        referral = _lists().load(code[:40], today())
    except ListError as error:
        return render_template("list_gone.html", reason=error.reason), \
            410 if error.reason == "expired" else 404, {"Cache-Control": "no-store"}
    except (OSError, sqlite3.Error):
        return render_template("list_gone.html", reason="unavailable"), 503, \
            {"Cache-Control": "no-store"}
    offers = cat.offers_by_ids(list(referral.offer_ids))
    return render_template("list.html", catalogue=cat, referral=referral,
                           offers=[offers[i] for i in referral.offer_ids if i in offers]), \
        200, {"Cache-Control": "no-store"}


def public_url() -> str:
    """Where the family's phone finds this site: town.yaml's public_url, else this host."""
    return town().get("public_url") or request.url_root.rstrip("/")


@bp.app_template_global()
def qr_svg(url: str, label: str) -> Markup:
    """A QR code drawn here as SVG, never by a third party."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff",
                          svgclass="qr", title=label)
    # segno writes the SVG from the code's modules and escapes the title itself.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B704


def slip_entry(cat, offer: Offer, lang: str) -> dict:
    """One offer on the slip, every text in lang (German where a text has no translation)."""
    german = set()

    def text(field: str, key: str | None = None) -> str:
        value, fallback = offer.text_in(field, lang)
        if fallback and value:
            german.add(key or field)
        return value

    day = today()
    dates = offer.next_dates_in_words(day, lang)

    def own(text: str) -> str:
        """A number, address or German name inside a right-to-left sentence keeps its own
        direction (without the isolate, +49 69 90009 200 reads 200 90009 69 49+)."""
        return f"\u2068{text}\u2069" if lang in RTL else text

    phone = own(offer.phones[0]) if offer.phones else None
    if offer.registration_required and phone:
        step = t(lang, "Rufen Sie an unter %(phone)s und fragen Sie nach „%(name)s“.", phone=phone,
                 name=own(offer.name))
    elif offer.registration_required and offer.email:
        step = t(lang, "Schreiben Sie eine E-Mail an %(email)s und fragen Sie nach „%(name)s“.",
                 email=own(offer.email), name=own(offer.name))
    elif offer.registration_required:
        step = t(lang, "Melden Sie sich vorher an.")
    elif offer.comes_to_family and phone:
        step = t(lang, "Rufen Sie an unter %(phone)s und machen Sie einen Termin aus.", phone=phone)
    elif offer.remote:
        step = t(lang, "Ohne Anmeldung: Rufen Sie an oder schreiben Sie, wann es Ihnen passt.")
    elif dates:
        step = t(lang, "Kommen Sie ohne Termin vorbei, zum Beispiel am %(date)s.", date=own(dates[0]))
    else:
        step = t(lang, "Kommen Sie ohne Termin vorbei, zu den Zeiten unten.")
    places = [{"lines": loc.address_lines(),
               "district": district_name(cat, loc.district, lang) if loc.district else ""}
              for loc in offer.locations]
    attending = wording.ATTENDANCE_LONG.get(offer.attending_type)
    return {
        "id": offer.id,
        "lang": lang,
        "name": text("name"),
        "summary": text("summary"),
        "step": step,
        "process": text("application_process", "process"),
        "dates": dates,
        "hours": offer.hours_in_words(day, lang),
        "schedule_note": text("schedule_description", "schedule_note"),
        "attending": t(lang, attending) if attending else "",
        "places": places,
        "phones": offer.phones,
        "email": offer.email,
        "url": offer.url,
        "cost": t(lang, "Kostenlos.") if offer.free else text("fees_description", "cost"),
        "languages": [language_name(code, lang) for code in offer.languages],
        "ages": offer.ages_in_words(lang),
        "german": german,
    }


@bp.app_template_global()
def family_languages() -> list[tuple[str, str, str]]:
    """The languages a slip can be printed in: code, the name in itself, the name in the
    reader's language (staff type "A" for Arabisch, the family recognises العربية)."""
    return [(code, language_name(code, code), language_name(code))
            for code in offered_languages()]
