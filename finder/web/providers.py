"""The providers' pages: through their private link (finder.coordinator.links) a
provider sees its offers as families read them, says "still correct" or corrects them.

Plain German, no account, no cookie. "Still correct" is a confirmation; a correction
becomes a proposal for the coordinator and nothing is published unreviewed. A link that
was altered, has expired or was revoked gets a page that says so and changes nothing.
Every form carries a token signed for this link and offer (finder.web.formtokens).
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, render_template, request, url_for

from finder.coordinator import links, offer_form, proposals
from finder.web import formtokens
from finder.web.coordinator import catalogue, data_dir
from finder.web.format import SPOKEN, today

bp = Blueprint("providers", __name__, url_prefix=links.PATH.rstrip("/"))
PURPOSE = "provider"
LINK_PAGES = {"altered": 404, "expired": 410, "revoked": 410}


@bp.before_request
def german():
    g.lang = "de"


@bp.after_request
def private(response):
    """The page holds the link: not kept by any cache, not indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.context_processor
def context():
    from finder.web.pages import town

    return {"lang": "de", "dir": "ltr", "town": town(), "languages": ()}


def _link(token: str):
    """The working link of this token, or the page that says why it does not work."""
    try:
        return links.find(data_dir(), token, today()), None
    except links.LinkError as error:
        return None, (render_template("providers/link_error.html", reason=error.reason),
                      LINK_PAGES[error.reason])


def _offers(cat, provider_id: str) -> list:
    found = cat.offers_by_ids(cat.provider_offer_ids(provider_id))
    return sorted(found.values(), key=lambda o: o.name)


def _pending(provider_id: str) -> dict[str, str]:
    """Offers of the provider with a proposal waiting: offer id → the day it was sent."""
    return {p.offer: p.day for p in proposals.proposals(data_dir(), "open")
            if p.provider == provider_id}


@bp.route("/<token>")
def offers(token: str):
    link, failed = _link(token)
    if failed:
        return failed
    cat = catalogue()
    provider = cat.providers.get(link.provider)
    if provider is None:
        return render_template("providers/link_error.html", reason="revoked"), 410
    return render_template("providers/offers.html", link=link, provider=provider,
                           offers=_offers(cat, provider.id), pending=_pending(provider.id),
                           form_token=lambda offer_id: formtokens.issue(PURPOSE, f"{token}/{offer_id}"),
                           day=today())


def _offer(cat, link, offer_id: str):
    if offer_id not in cat.provider_offer_ids(link.provider):
        abort(404)
    return cat.offer(offer_id)


def _form_page(link, offer, values: dict, errors: dict, status: int = 200):
    cat = catalogue()
    choices = list(dict.fromkeys([*SPOKEN, *offer.languages]))
    return render_template("providers/offer.html", link=link, offer=offer,
                           provider=cat.providers[link.provider], values=values, errors=errors,
                           fields=offer_form.BY_NAME, languages=choices,
                           language_names=offer_form.language_names,
                           pending=_pending(link.provider).get(offer.id),
                           form_token=formtokens.issue(PURPOSE, f"{link.token}/{offer.id}"),
                           day=today()), status


@bp.route("/<token>/angebot/<offer_id>", methods=["GET", "POST"])
def offer(token: str, offer_id: str):
    link, failed = _link(token)
    if failed:
        return failed
    cat = catalogue()
    found = _offer(cat, link, offer_id)
    if request.method == "GET":
        return _form_page(link, found, offer_form.form_values(found), {})
    if not formtokens.checked(PURPOSE, f"{token}/{offer_id}"):
        return render_template("providers/expired_form.html", link=link, offer=found), 400
    return _answer(link, found, cat.town.get("name", ""))


def _submitted() -> dict:
    values = request.form.to_dict()
    values["languages"] = request.form.getlist("languages")
    return values


def _answer(link, found, town: str):
    """A provider's form, sent: a confirmation, a proposal, or the form again with what
    cannot be taken as it is."""
    day = today()
    message = (request.form.get("message") or "").strip()
    if request.form.get("action") == "confirm" and request.form.get("quick") == "1":
        reading = offer_form.Reading({}, {})      # the list's button: no fields sent
    else:
        reading = offer_form.read(found, _submitted(), town)
    if reading.errors:
        return _form_page(link, found, _submitted(), reading.errors, 400)
    if reading.changes or message:
        number = proposals.propose(data_dir(), found.id, link.provider, reading.changes,
                                   message, day)
        if number is None:
            return render_template("providers/done.html", link=link, offer=found,
                                   outcome="too_many"), 429
        return render_template("providers/done.html", link=link, offer=found,
                               outcome="proposal", changes=reading.changes,
                               fields=offer_form.BY_NAME)
    if _ended(found, day):
        return _form_page(link, found, offer_form.form_values(found),
                          {"valid_to": "Dieses Angebot ist abgelaufen. Läuft es weiter? Dann "
                                       "tragen Sie bitte ein neues Enddatum ein oder lassen "
                                       "das Feld leer."}, 400)
    proposals.confirm(data_dir(), found.id, link.provider, day)
    return render_template("providers/done.html", link=link, offer=found, outcome="confirmed")


def _ended(offer, day: dt.date) -> bool:
    return offer.valid_to is not None and offer.valid_to < day.isoformat()


@bp.app_template_global()
def provider_link_url(link) -> str:
    return url_for("providers.offers", token=link.token)
