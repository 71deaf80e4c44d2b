"""Reminders: each provider whose offers are due for checking gets an e-mail with its
private link (finder.coordinator.links).

Due is an offer that will have gone unconfirmed for a year within REMIND_AHEAD_DAYS
(the model's is_stale, asked for that day: 11 months after the last check), or that
ends within freshness.EXPIRING_DAYS. A provider is reminded at most once in
AGAIN_AFTER_DAYS. The e-mail goes through the SMTP server set in the environment
(FINDER_SMTP_HOST, _PORT, _USER, _PASSWORD, _TLS, _FROM); `finder remind --dry-run`
prints the messages and sends and records nothing. The e-mail is in German, like the
providers' pages: it is written to organisations of a German town.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from babel.dates import format_date

from finder.coordinator import freshness, links, records
from finder.model import is_current, is_stale

REMIND_AHEAD_DAYS = 30
AGAIN_AFTER_DAYS = 28
TLS_MODES = ("starttls", "ssl", "none")


class SmtpSettingsError(ValueError):
    """The environment does not say enough to send e-mail; the message says what is missing."""


@dataclass(frozen=True)
class DueOffer:
    name: str
    reason: str
    """check (not confirmed for 11 months) or ending (valid_to within 30 days)."""
    day: str | None
    """The last check, or the last day of the offer."""


@dataclass(frozen=True)
class Due:
    provider: str
    name: str
    address: str | None
    offers: tuple[DueOffer, ...]


def due(catalogue, data_dir: str | Path, today: dt.date) -> list[Due]:
    """The providers to remind today, each with its offers due for checking."""
    offers = [o for o in catalogue.all_offers() if is_current(o["valid_from"], o["valid_to"], today)]
    confirmed = freshness.confirmed_days(offers, freshness.confirmations(data_dir))
    ahead = today + dt.timedelta(days=REMIND_AHEAD_DAYS)
    ending = (today + dt.timedelta(days=freshness.EXPIRING_DAYS)).isoformat()
    reminded = recently_reminded(data_dir, today)
    found: dict[str, list[DueOffer]] = {}
    for offer in offers:
        conf = confirmed.get(offer["id"])
        assured = max(filter(None, (offer["assured_date"], conf and conf["day"])), default=None)
        if offer["valid_to"] is not None and offer["valid_to"] <= ending:
            item = DueOffer(offer["name"], "ending", offer["valid_to"])
        elif is_stale(assured, ahead):
            item = DueOffer(offer["name"], "check", assured)
        else:
            continue
        found.setdefault(offer["provider_id"], []).append(item)
    result = []
    for pid, items in sorted(found.items()):
        if pid in reminded:
            continue
        provider = catalogue.providers[pid]
        address = provider.email or next(
            (o["email"] for o in offers if o["provider_id"] == pid and o["email"]), None)
        result.append(Due(pid, provider.name, address, tuple(sorted(items, key=lambda i: i.name))))
    return result


def recently_reminded(data_dir: str | Path, today: dt.date) -> set[str]:
    since = (today - dt.timedelta(days=AGAIN_AFTER_DAYS)).isoformat()
    db = records.open_db(data_dir)
    try:
        return {row[0] for row in db.execute("SELECT provider FROM reminders WHERE day > ?", [since])}
    finally:
        db.conn.close()


def remember(data_dir: str | Path, provider: str, today: dt.date) -> None:
    db = records.open_db(data_dir)
    try:
        db.execute("INSERT INTO reminders (provider, day) VALUES (?, ?) "
                   "ON CONFLICT DO NOTHING",
                   [provider, today.isoformat()])
    finally:
        db.conn.close()


def _day(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "long", locale="de")


def message(item: Due, link: links.Link | None, base: str, town: dict, sender: str) -> EmailMessage:
    """The reminder to one provider, in plain German."""
    name = town.get("name") or ""
    lines = ["Guten Tag,", "",
             f"im Familienwegweiser {name} finden Familien Ihre Angebote. Damit alles stimmt, "
             "bitten wir Sie, diese Angebote kurz zu prüfen:", ""]
    for offer in item.offers:
        if offer.reason == "ending":
            lines.append(f"- {offer.name}: endet am {_day(offer.day)}. Geht es weiter?")
        elif offer.day:
            lines.append(f"- {offer.name}: zuletzt geprüft am {_day(offer.day)}")
        else:
            lines.append(f"- {offer.name}: noch nie geprüft")
    lines += ["", "Mit diesem Link sehen Sie Ihre Angebote so, wie Familien sie lesen "
                  "(ohne Anmeldung, ohne Passwort):",
              link.url(base) if link else "(der Link wird beim Senden erstellt)", "",
              "Stimmt alles? Dann klicken Sie bei jedem Angebot auf „Stimmt noch“. Stimmt "
              "etwas nicht? Dann ändern Sie es dort. Die Koordinierungsstelle prüft Ihre "
              "Änderungen und stellt sie dann online.", ""]
    if link:
        lines += [f"Der Link ist nur für Sie und gilt bis zum {_day(link.expires)}. Bitte "
                  "leiten Sie ihn nicht weiter.", ""]
    contact = town.get("corrections_email") or (town.get("imprint") or {}).get("email")
    phone = (town.get("imprint") or {}).get("phone")
    if contact or phone:
        lines += ["Fragen? " + " oder ".join(x for x in (
            f"Schreiben Sie an {contact}" if contact else "",
            f"rufen Sie an: {phone}" if phone else "") if x) + ".", ""]
    lines += ["Mit freundlichen Grüßen",
              (town.get("imprint") or {}).get("body") or f"Familienwegweiser {name}"]
    mail = EmailMessage()
    mail["Subject"] = f"Bitte prüfen Sie Ihre Angebote im Familienwegweiser {name}".strip()
    mail["From"] = sender
    mail["To"] = item.address or ""
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content("\n".join(lines) + "\n")
    return mail


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: str
    sender: str | None


def settings(env: Mapping[str, str] = os.environ) -> Smtp:
    """The SMTP server from FINDER_SMTP_*; raises SmtpSettingsError saying what is missing."""
    host = env.get("FINDER_SMTP_HOST", "").strip()
    if not host:
        raise SmtpSettingsError("set FINDER_SMTP_HOST (and FINDER_SMTP_PORT, _USER, _PASSWORD, "
                                "_TLS=starttls|ssl|none, _FROM) to send reminders")
    tls = env.get("FINDER_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise SmtpSettingsError(f"FINDER_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    port_text = env.get("FINDER_SMTP_PORT", "").strip()
    if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise SmtpSettingsError(f"FINDER_SMTP_PORT must be a port number, not {port_text!r}")
    port = int(port_text) if port_text else {"starttls": 587, "ssl": 465, "none": 25}[tls]
    user = env.get("FINDER_SMTP_USER") or None
    password = env.get("FINDER_SMTP_PASSWORD") or None
    if user and not password:
        raise SmtpSettingsError("FINDER_SMTP_USER is set: FINDER_SMTP_PASSWORD is needed too")
    return Smtp(host, port, user, password, tls, env.get("FINDER_SMTP_FROM") or None)


def connect(smtp: Smtp) -> smtplib.SMTP:
    """An open connection, with TLS and login as the settings say."""
    context = ssl.create_default_context()
    if smtp.tls == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=30, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=30)
        if smtp.tls == "starttls":
            server.starttls(context=context)
    if smtp.user:
        server.login(smtp.user, smtp.password or "")
    return server
