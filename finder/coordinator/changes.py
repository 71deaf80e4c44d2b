"""Writing the coordinator's decisions into the reviewed content: the accepted fields of
providers' proposals into their provider files, the confirmations as assured_date, and
for each German text that changed a mark in the translation files of the German the
translation was made from (so that readers see "the translation may be out of date"
and translators find it in `finder check --outdated`).

Only the changed lines are written (finder.content.edit), comments stay. Everything is
first written into a copy of the content folder and the whole content is checked there
(as `finder check` does); only when it passes are the changed files replaced, each at
once, ready for `git diff` and a commit.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder import content as content_module
from finder.content import ContentError, Problem, load_yaml
from finder.content.edit import EditError, edit_mapping
from finder.content.files import OFFER_ORDER, _replace
from finder.coordinator import freshness, offer_form, proposals
from finder.model import TRANSLATABLE, text_hash

TRANSLATION_ORDER = (*TRANSLATABLE["offer"], "translated_from")


class WriteBackError(Exception):
    """Nothing was written; the message says why (with file and line)."""


@dataclass
class Result:
    written: list[tuple[str, str, tuple[str, ...], int]] = field(default_factory=list)
    """(file, offer, content keys, proposal) of each accepted proposal written."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(proposal, why) of accepted proposals that could not be written."""
    marked: list[tuple[str, str, str]] = field(default_factory=list)
    """(language, offer, text) of translations now marked as made from older German."""
    confirmed: list[freshness.Change] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """The files changed (or, in a dry run, that would change), relative to the content."""


def write_back(content_root: str | Path, data_dir: str | Path, dry_run: bool = False) -> Result:
    """Write accepted proposals and confirmations into the content folder."""
    root = Path(content_root)
    result = Result()
    accepted = proposals.unwritten(data_dir)
    with tempfile.TemporaryDirectory(prefix=".write-back-", dir=root.parent) as tmp:
        staging = Path(tmp) / root.name
        shutil.copytree(root, staging, symlinks=True)
        places = _offer_places(staging)
        done = []
        for item in accepted:
            where = places.get(item.offer)
            if where is None:
                result.skipped.append((item.id, "the offer is no longer in the content"))
                continue
            kept = _texts(staging)
            try:
                keys, german = _apply(staging, where, item)
                result.marked += _mark_translations(staging, item.offer, german)
            except EditError as error:
                _restore(staging, kept)       # a proposal is written whole or not at all
                result.skipped.append((item.id, str(error)))
                continue
            result.written.append((f"providers/{where[0].name}", item.offer, keys, item.id))
            done.append(item.id)
        try:
            result.confirmed = freshness.write_back(staging, data_dir)
        except freshness.WriteBackError as error:
            raise WriteBackError(str(error)) from None
        try:
            content_module.load(staging)
        except ContentError as error:
            raise WriteBackError("\n".join(str(_renamed(p, staging, root))
                                           for p in error.problems)) from None
        changed = _changed_files(staging, root)
        result.files = [str(path) for path in changed]
        if not dry_run:
            for path in changed:
                _replace(root / path, (staging / path).read_text(encoding="utf-8"))
            if done:
                proposals.mark_written(data_dir, done)
    return result


def _offer_places(root: Path) -> dict[str, tuple[Path, int]]:
    """Each offer id → its provider file and its index in the file's offers."""
    found = {}
    for path in sorted((root / "providers").glob("*.yaml")):
        data = load_yaml(path)
        offers = data.get("offers") if isinstance(data, dict) else None
        for index, offer in enumerate(offers if isinstance(offers, list) else []):
            if isinstance(offer, dict) and isinstance(offer.get("id"), str):
                found[offer["id"]] = (path, index)
    return found


def _apply(root: Path, where: tuple[Path, int], item: proposals.Proposal) -> tuple[tuple[str, ...], dict]:
    """The accepted fields of a proposal, written into the staged provider file; returns
    the content keys written and the German texts they replaced."""
    path, index = where
    text = path.read_text(encoding="utf-8")
    before = load_yaml(path, text)["offers"][index]
    values: dict[str, Any] = {}
    for name in item.accepted:
        if name in offer_form.BY_NAME and name in item.changes:
            values.update(item.changes[name]["new"])
    old_date = before.get("assured_date")
    old_day = old_date.isoformat() if hasattr(old_date, "isoformat") else old_date
    if not old_day or old_day < item.day:
        # The provider looked at the whole offer that day: it counts as checked.
        values["assured_date"] = item.day
    german = {k: before.get(k) for k in values if k in TRANSLATABLE["offer"]
              and before.get(k) != values[k]}
    path.write_text(edit_mapping(text, ["offers", index], values, OFFER_ORDER,
                                 f"providers/{path.name}"), encoding="utf-8")
    return tuple(values), german


def _flow(key: str, value: Any, indent: int) -> list[str] | None:
    """translated_from on one line, its hashes quoted (a hash of digits is no number)."""
    if key != "translated_from":
        return None
    inner = ", ".join(f'{k}: "{v}"' for k, v in value.items())
    return [" " * indent + f"{key}: {{{inner}}}"]


def _mark_translations(root: Path, offer: str, german: dict[str, Any]) -> list[tuple[str, str, str]]:
    """In each translation file with a translation of a changed German text, the mark
    of the German it was made from, where there is none yet (a mark already there
    still names the German the translator or reviewer had). Listed: each translation that
    was current and is now older than the German."""
    marked = []
    if not german:
        return marked
    for path in sorted((root / "translations").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = load_yaml(path, text)
        entry = ((data or {}).get("offers") or {}).get(offer) if isinstance(data, dict) else None
        if not isinstance(entry, dict):
            continue
        marks = dict(entry.get("translated_from") or {})
        added = {k: text_hash(v) for k, v in german.items() if entry.get(k) and k not in marks}
        older = [k for k, v in german.items() if entry.get(k) and (
            k in added or marks.get(k) == text_hash(v))]
        if added:
            new = edit_mapping(text, ["offers", offer], {"translated_from": {**marks, **added}},
                               TRANSLATION_ORDER, f"translations/{path.name}", render=_flow)
            path.write_text(new, encoding="utf-8")
        marked += [(path.stem, offer, k) for k in older]
    return marked


def _texts(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*.yaml")}


def _restore(root: Path, kept: dict[Path, bytes]) -> None:
    for path, data in kept.items():
        if path.read_bytes() != data:
            path.write_bytes(data)


def _changed_files(staging: Path, root: Path) -> list[Path]:
    changed = []
    for path in sorted(staging.rglob("*.yaml")):
        relative = path.relative_to(staging)
        original = root / relative
        if not original.exists() or original.read_bytes() != path.read_bytes():
            changed.append(relative)
    return changed


def _renamed(problem: Problem, staging: Path, root: Path) -> Problem:
    """A problem found in the staging copy, told about the file in the content folder."""
    staged = f"{staging.parent.name}/{staging.name}"
    name = problem.file.replace(staged, str(root), 1) if staged in problem.file else problem.file
    return Problem(name, problem.line, problem.message)
