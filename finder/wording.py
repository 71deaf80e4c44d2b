"""Words the website and the bot share: why a result is shown, how an offer is
attended, what a relaxed filter shows instead, the emergency box. German texts are
the message ids (finder.i18n); the facts themselves are the model's."""

from __future__ import annotations

from finder.i18n import N_

WHY = {
    "district": N_("in %(district)s"),
    "citywide": N_("für die ganze Stadt"),
    "online": N_("online oder am Telefon"),
    "at_home": N_("kommt zu Ihnen"),
    "neighbour": N_("im Nachbarstadtteil"),
    "nearby": N_("in der Nähe"),
    "elsewhere": N_("in einem anderen Stadtteil"),
}
"""Why a hit is shown (finder.search.WHY_ORDER)."""

KM = N_("%(km)s km")
UNDER_1_KM = N_("unter 1 km")
"""How far an offer is, in a straight line: whole kilometres, and under one."""
UP_TO_KM = N_("bis %(km)s km")
"""A radius to choose."""

RELAXED = {
    "wider_radius": N_("auch weiter entfernte Angebote"),
    "nearby_districts": N_("auch Stadtteile in der Nähe"),
    "whole_town": N_("die ganze Stadt"),
    "any_topic": N_("alle Themen"),
    "no_words": N_("ohne Suchwörter"),
    "weekend": N_("nicht nur am Wochenende"),
    "evening": N_("nicht nur abends"),
    "online": N_("nicht nur online"),
    "free": N_("auch Angebote, die etwas kosten"),
    "lang_spoken": N_("auch in anderen Sprachen"),
    "wheelchair": N_("auch nicht barrierefreie Orte"),
    "phase": N_("alle Lebensphasen"),
    "ages": N_("alle Altersstufen"),
}
"""What a relaxation step (finder.search.RELAXATIONS) shows instead."""


REPORT_REASONS = {
    "wrong_phone": N_("Die Telefonnummer stimmt nicht"),
    "closed_moved": N_("Das Angebot gibt es nicht mehr oder es ist umgezogen"),
    "wrong_times": N_("Die Zeiten stimmen nicht"),
    "other": N_("Etwas anderes"),
}
"""What a family can say is wrong with an offer (finder.coordinator.proposals.REASONS)."""
REPORT_TITLE = N_("Stimmt etwas nicht?")
REPORT_THANKS = N_("Danke! Ihr Hinweis ist bei der Koordinierungsstelle angekommen. Sie prüft "
                   "das Angebot. Wir wissen nicht, wer Sie sind: Deshalb bekommen Sie keine "
                   "Antwort.")


ATTENDANCE = {
    "online": N_("online"),
    "phone": N_("am Telefon"),
    "at_home": N_("kommt zu Ihnen nach Hause"),
    "outreach": N_("kommt in die Kita oder Schule"),
    "accompanying": N_("begleitet Sie zu Terminen"),
}
"""How an offer is attended, said short (a result's facts), for every way but in person."""

ATTENDANCE_LONG = {
    "online": N_("Online – von zu Hause aus."),
    "phone": N_("Am Telefon – von zu Hause aus."),
    "at_home": N_("Wir kommen zu Ihnen nach Hause."),
    "outreach": N_("Wir kommen in die Kita oder Schule Ihres Kindes."),
    "accompanying": N_("Wir begleiten Sie zu Terminen, zum Beispiel zu Ämtern oder in die Schule."),
}
"""How an offer is attended, as a sentence (the offer page, the slip, the bot)."""

ALWAYS_REACHABLE = N_("Tag und Nacht erreichbar")

WHEELCHAIR = {
    True: N_("Mit Rollstuhl erreichbar."),
    False: N_("Nicht barrierefrei."),
    None: N_("Ob man mit dem Rollstuhl hineinkommt, wissen wir nicht. Bitte fragen Sie vorher."),
}
"""Wheelchair access: yes, no, and not known, each said as such."""


KEEP_LANGUAGE = N_("Weiter auf Deutsch")
"""Said in the language a family wrote in when the page or the chat speaks another: the
offer to read on in it (the website's one line, the bot's button)."""

BOT_PRIVACY = (
    N_("Im Telegram-Bot speichern wir Ihre Sprache, die Altersgruppe Ihres Kindes und Ihren "
       "Stadtteil, damit Sie nicht jedes Mal neu wählen müssen. Nach %(days)d Tagen ohne "
       "Nutzung löschen wir das automatisch. Ihre Nachrichten speichern wir nicht."),
    N_("Wenn Sie Ihren Standort teilen, suchen wir nur den Stadtteil heraus. Den Standort "
       "selbst speichern wir nicht."),
    N_("Wenn Sie mit einer Person schreiben (/person), geben wir Ihre Nachrichten in die "
       "Telegram-Gruppe der Beratung der Stadt weiter – nur mit einer Fallnummer, ohne Ihren "
       "Namen, Benutzernamen oder Ihre Telefonnummer. Dort stehen sie dann bei Telegram. Wir "
       "selbst speichern nur die Fallnummer und zu welchem Chat sie gehört. Das löschen wir, "
       "sobald Sie oder die Beratung das Gespräch beenden, spätestens nach %(case_days)d Tagen."),
    N_("Wenn Sie sich an einen Termin erinnern lassen, speichern wir nur diesen Chat, das "
       "Angebot und das Datum. Das löschen wir, sobald die Erinnerung geschickt ist, der "
       "Termin vorbei ist oder ausfällt."),
    N_("Mit /forget löschen Sie sofort alles: Ihre Einstellungen, ein offenes Gespräch und "
       "Ihre Erinnerungen."),
    N_("Suchen, zu denen kein Angebot genau passt, zählen wir ohne jeden Bezug zu Ihnen: nur "
       "die Suchwörter, die Filter, die Sprache und die Kalenderwoche. So sieht die Stadt, "
       "welche Angebote fehlen."),
)
"""What the bot stores, said exactly: its /privacy and the website's privacy page."""

EMERGENCY_TITLE = N_("Hilfe sofort – Tag und Nacht")
EMERGENCY_INTRO = N_("Sie sind nicht allein. Hier hilft man Ihnen sofort, kostenlos und auf "
                     "Wunsch ohne Namen:")
EMERGENCY_DANGER = N_("In akuter Gefahr: 110 (Polizei) oder 112 (Rettungsdienst).")
EMERGENCY_LOCAL = N_("Hilfe in der Stadt")


def helpline_text(helpline: dict, field: str, lang: str) -> str:
    """A helpline's name, hours or audience in the reader's language, else German."""
    return helpline["translations"].get(lang, {}).get(field) or helpline[field]


def town_name(town: dict, lang: str) -> str:
    """The town's name as a language writes it (town.yaml's names), else as it is."""
    return town.get("names", {}).get(lang) or town.get("name", "")


def distance_words(km: float, lang: str) -> str:
    """A distance as a family reads it: "4 km", "unter 1 km" (straight line)."""
    from babel.numbers import format_decimal

    from finder.i18n import t

    if km < 1:
        return t(lang, UNDER_1_KM)
    return t(lang, KM, km=format_decimal(round(km), locale=lang))


def radius_words(km: int, lang: str) -> str:
    """A radius as a choice: "bis 10 km"."""
    from babel.numbers import format_decimal

    from finder.i18n import t

    return t(lang, UP_TO_KM, km=format_decimal(km, locale=lang))


def district_name(districts: dict, key: str, lang: str) -> str:
    """A district's name as the town writes it in a language's script (districts.yaml's
    names: Arabic, Persian, Cyrillic), else its name; the id when it is not known. The
    website, the desk, the slip and the bot all name districts through this."""
    district = districts.get(key)
    if not district:
        return key
    return (district.get("names") or {}).get(lang) or district["name"]


def district_choices(districts: dict, lang: str) -> list[tuple[str, str]]:
    """The districts as (id, name) in lang, in that language's alphabetical order."""
    return sorted(((key, district_name(districts, key, lang)) for key in districts),
                  key=lambda pair: pair[1].casefold())


def where_parts(why: str, offer, lang: str, district_name, searched: str | None,
                distance_km: float | None = None) -> list[str]:
    """Where an offer takes place, said once: in the family's place, or how far it is
    (or, without a distance, why it is shown: citywide, in a neighbouring district …),
    then how it is attended (online, by phone, it comes to you) or the places it is held
    in. `district_name` names a place id."""
    from finder.i18n import t

    parts = []
    journey = offer.attending_type not in ATTENDANCE
    if why == "district":
        parts.append(t(lang, WHY[why], district=district_name(searched) if searched else ""))
    elif journey and distance_km is not None:
        parts.append(distance_words(distance_km, lang))
    elif why and why not in ("online", "at_home"):
        parts.append(t(lang, WHY[why], district=district_name(searched) if searched else ""))
    if offer.attending_type in ATTENDANCE:
        parts.append(t(lang, ATTENDANCE[offer.attending_type]))
    elif offer.districts and why != "district":
        parts.append(", ".join(district_name(d) for d in offer.districts))
    elif not parts and "citywide" in offer.service_areas:
        parts.append(t(lang, "ganze Stadt"))
    if offer.always_reachable:
        parts.append(t(lang, ALWAYS_REACHABLE))
    return parts
