"""Freshness: which offers need asking about, and "still current" confirmations.

An offer is stale when nobody has confirmed it for STALE_DAYS, expiring when its
valid_to is within EXPIRING_DAYS, expired after it. The coordinator confirms an offer,
or all offers of a provider, with one click; the confirmation is kept with who and when
in the coordinator's records (so it survives rebuilds) and counts at once. The reviewed
content stays the source of truth: `finder content verifications` writes the confirmed
dates into the providers' YAML files as assured_date, editing only those lines, for
someone to review and commit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from finder import clock
from finder.content import ContentError, load_yaml
from finder.coordinator import records
from finder.model import is_current, is_stale

EXPIRING_DAYS = 30
KINDS = ("offer", "provider")


def verify(data_dir: str | Path, kind: str, item: str, by: str, day: dt.date) -> None:
    """Record that `by` confirmed an offer or a provider's offers as still current."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    db = records.open_db(data_dir)
    try:
        db["verifications"].insert({
            "kind": kind, "item": item, "day": day.isoformat(), "by": by,
            "at": clock.stamp()})
    finally:
        db.conn.close()


def confirmations(data_dir: str | Path) -> dict[tuple[str, str], dict]:
    """The latest confirmation of each offer and provider: (kind, id) -> row."""
    db = records.open_db(data_dir)
    try:
        latest: dict[tuple[str, str], dict] = {}
        for row in db.query("SELECT kind, item, day, by, at FROM verifications ORDER BY day, at"):
            latest[(row["kind"], row["item"])] = row
        return latest
    finally:
        db.conn.close()


def confirmed_days(offers: list[dict], latest: dict) -> dict[str, dict]:
    """Per offer id, the confirmation that counts for it (its own or its provider's,
    whichever is newer). "All offers of X are still current" confirms the offers that
    ran on the day it was said, never one that had already ended."""
    result = {}
    for offer in offers:
        own = latest.get(("offer", offer["id"]))
        by_provider = latest.get(("provider", offer["provider_id"]))
        if by_provider and not _ran_on(offer, by_provider["day"]):
            by_provider = None
        best = max((c for c in (own, by_provider) if c), key=lambda c: (c["day"], c["at"]),
                   default=None)
        if best:
            result[offer["id"]] = best
    return result


def _ran_on(offer: dict, day: str) -> bool:
    valid_to = offer.get("valid_to")
    if isinstance(valid_to, dt.date):
        valid_to = valid_to.isoformat()
    return not isinstance(valid_to, str) or valid_to >= day


@dataclass(frozen=True)
class Item:
    offer: dict
    assured: str | None
    """The newer of the content's assured_date and the last confirmation."""
    confirmed: dict | None
    """The last confirmation (day, by, at), if any."""
    state: str
    """expired, expiring, reported (a family said something is wrong) or stale."""
    reports: int = 0
    """Open reports of families about the offer."""


@dataclass(frozen=True)
class ProviderGroup:
    provider: dict
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Freshness:
    groups: tuple[ProviderGroup, ...]
    counts: dict[str, int]
    """stale, expiring, expired, reported (offers with open reports of families),
    current (offers valid today) and confirmed_here (offers with a confirmation not yet
    written into the content)."""


def compute(catalogue, data_dir: str | Path, today: dt.date) -> Freshness:
    day = today
    soon = (day + dt.timedelta(days=EXPIRING_DAYS)).isoformat()
    iso = day.isoformat()
    offers = catalogue.all_offers()
    from finder.coordinator.proposals import open_reports_by_offer

    confirmed = confirmed_days(offers, confirmations(data_dir))
    reported = open_reports_by_offer(data_dir)
    counts = {"stale": 0, "expiring": 0, "expired": 0, "reported": 0, "current": 0,
              "confirmed_here": 0}
    by_provider: dict[str, list[Item]] = {}
    for offer in offers:
        conf = confirmed.get(offer["id"])
        assured = max(filter(None, (offer["assured_date"], conf and conf["day"])), default=None)
        if conf and (offer["assured_date"] or "") < conf["day"]:
            counts["confirmed_here"] += 1
        if offer["valid_to"] is not None and offer["valid_to"] < iso:
            state = "expired"
        elif offer["valid_to"] is not None and offer["valid_to"] <= soon:
            state = "expiring"
        elif reported.get(offer["id"]):
            state = "reported"
        elif is_stale(assured, day):
            state = "stale"
        else:
            state = None
        if is_current(offer["valid_from"], offer["valid_to"], day):
            counts["current"] += 1
        if state:
            counts[state] += 1
            by_provider.setdefault(offer["provider_id"], []).append(
                Item(offer, assured, conf, state, reported.get(offer["id"], 0)))
    counts["reported"] = sum(1 for o in offers if reported.get(o["id"]))
    order = {"expired": 0, "expiring": 1, "reported": 2, "stale": 3}
    groups = tuple(
        ProviderGroup(catalogue.providers[pid],
                      tuple(sorted(items, key=lambda i: (order[i.state], i.offer["name"]))))
        for pid, items in sorted(by_provider.items(),
                                 key=lambda kv: catalogue.providers[kv[0]].name))
    return Freshness(groups, counts)


# --- writing confirmations back into the content ---------------------------------------

_ASSURED = re.compile(r"^(\s*(?:-\s+)?assured_date:\s*)(\S+)(.*)$")
_ID_KEY = re.compile(r"^(\s*(?:-\s+)?)id:\s")


class WriteBackError(Exception):
    pass


@dataclass(frozen=True)
class Change:
    file: Path
    offer: str
    old: str | None
    new: str


def write_back(content_root: Path, data_dir: str | Path, dry_run: bool = False) -> list[Change]:
    """Write every confirmation newer than an offer's assured_date into its provider
    file. Only the assured_date line changes (or one line is added before the offer's
    name); comments, order and wrapping stay as they are."""
    latest = confirmations(data_dir)
    changes: list[Change] = []
    for file in sorted((Path(content_root) / "providers").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        try:
            data = load_yaml(file, text)
        except ContentError as error:
            raise WriteBackError(str(error)) from None
        if not isinstance(data, dict) or not isinstance(data.get("offers"), list):
            continue
        offers = [o for o in data["offers"] if isinstance(o, dict) and isinstance(o.get("id"), str)]
        plain = [{"id": o["id"], "provider_id": data.get("id"), "valid_to": o.get("valid_to")}
                 for o in offers]
        confirmed = confirmed_days(plain, latest)
        lines = text.splitlines(keepends=True)
        inserts: list[tuple[int, str]] = []
        for offer in offers:
            conf = confirmed.get(offer["id"])
            old = offer.get("assured_date")
            old_text = old.isoformat() if isinstance(old, dt.date) else old
            if not conf or (isinstance(old_text, str) and old_text >= conf["day"]):
                continue
            changes.append(Change(file, offer["id"], old_text, conf["day"]))
            if "assured_date" in offer.lines:
                index = offer.lines["assured_date"] - 1
                match = _ASSURED.match(lines[index].rstrip("\r\n"))
                if not match:
                    raise WriteBackError(f"{file}:{index + 1}: assured_date of offer "
                                         f"{offer['id']!r} is not on a line of its own")
                ending = lines[index][len(lines[index].rstrip("\r\n")):]
                lines[index] = f"{match.group(1)}{conf['day']}{match.group(3)}{ending}"
            else:
                at = offer.lines["id"]
                match = _ID_KEY.match(lines[at - 1])
                if not match:
                    raise WriteBackError(f"{file}:{at}: offer {offer['id']!r} is written "
                                         "in one line; add assured_date by hand")
                indent = " " * len(match.group(1))
                # After "- id: x", before "id: x" when the item starts with another key.
                where = at if match.group(1).strip() == "-" else at - 1
                inserts.append((where, f"{indent}assured_date: {conf['day']}\n"))
        for index, new_line in sorted(inserts, reverse=True):
            lines.insert(index, new_line)
        if (inserts or any(c.file == file for c in changes)) and not dry_run:
            file.write_text("".join(lines), encoding="utf-8")
    return changes
