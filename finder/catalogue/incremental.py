"""An incremental build: when only provider files changed, the new build starts from a
copy of the last one and redoes only what the changed files hold.

What a build is made from is written next to it (STATE_FILE): a hash of each provider
file, a hash of everything else (vocabulary, needs, places, town, situations,
translations, glossary, the build's own format), the index's buckets and the spellings'
counts, and what checking each provider file gave (CHECKED_FILE). The next build
compares: anything but provider files changed (or the code that checks them), or the
words the index splits compounds with changed for unchanged offers, and it is a full
build. The content is validated whole either way: changed provider files and all other
files are checked anew, an unchanged provider file by its check in the last build (same
bytes, same code, same everything else), and the checks across files (duplicate ids,
translation files, situations) run over all of them again. The result serves what a full
build of the same content serves.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle  # nosec B403
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from finder.catalogue import index, store
from finder.content import Content
from finder.content.load import Checked
from finder.search.analysis import MIN_COMPOUND, Lexicon

STATE_FILE = "incremental.json"
CHECKED_FILE = "checked.pickle"
"""What the build's load checked of each provider file (finder.content.load.Checked), pickled:
only our own builds' files are ever unpickled."""
STATE_VERSION = "1"
PROVIDERS = "providers"


def file_hashes(root: Path, format_version: str) -> tuple[str, str, dict[str, str]]:
    """In one reading of the content: the hash of everything (every YAML and GeoJSON file
    and the build's format: the build's content_hash, which `--if-changed` compares), the
    hash of every file that is not a provider file (with the build's format and code), and
    each provider file's own hash by its name."""
    whole = hashlib.sha256(format_version.encode())
    # The folder's name too: the records' sources and the problems name their files by it.
    shared = hashlib.sha256(f"{STATE_VERSION}/{format_version}/{_code()}/{root.resolve().name}".encode())
    providers: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()
                       and p.suffix in (".yaml", ".geojson")):
        relative = path.relative_to(root)
        data = path.read_bytes()
        whole.update(str(relative).encode() + b"\0")
        whole.update(data + b"\0")
        if relative.parent == Path(PROVIDERS) and path.suffix == ".yaml":
            providers[path.name] = hashlib.sha256(data).hexdigest()
        else:
            shared.update(str(relative).encode() + b"\0" + data + b"\0")
    return whole.hexdigest(), shared.hexdigest(), providers


def _code() -> str:
    """A hash of the code that checks content, makes records of it and writes them: a
    provider file's check and the last build's parts are reused only by the same code."""
    finder = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in sorted([*(p for package in ("content", "model", "catalogue")
                          for p in (finder / package).rglob("*.py")),
                        finder / "search" / "analysis.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def state(shared: str, files: dict[str, str], content: Content, buckets: int,
          segments: dict[int, str], forms: dict[str, Counter]) -> dict:
    """What the next build needs to know of this one."""
    return {"version": STATE_VERSION, "shared": shared, "files": files,
            "providers": {Path(p["source"]).name: p["id"] for p in content.providers},
            "buckets": buckets, "segments": {str(b): s for b, s in segments.items()},
            "forms": forms}


def write_state(build: Path, value: dict, checked_files: dict[str, Checked]) -> None:
    """The build's state and what its load checked of each provider file."""
    (build / STATE_FILE).write_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    (build / CHECKED_FILE).write_bytes(pickle.dumps(checked_files, protocol=pickle.HIGHEST_PROTOCOL))


def read_state(build: Path | None) -> dict | None:
    if build is None or not (build / STATE_FILE).is_file():
        return None
    value = json.loads((build / STATE_FILE).read_text())
    return value if value.get("version") == STATE_VERSION else None


@dataclass(frozen=True)
class Plan:
    """What an incremental build redoes: the provider files that changed (added, edited
    or removed) and the providers the last build had from them."""

    live: Path
    state: dict
    files: tuple[str, ...]
    old_providers: tuple[str, ...]


def plan(live: Path | None, shared: str, files: dict[str, str]) -> tuple[Plan | None, str]:
    """An incremental plan against the live build, or None and why a full build is due."""
    last = read_state(live)
    if last is None:
        return None, "no earlier build to start from"
    if last["shared"] != shared:
        return None, "files other than providers/*.yaml changed"
    changed = tuple(sorted(name for name in {*files, *last["files"]}
                           if files.get(name) != last["files"].get(name)))
    old = tuple(sorted(last["providers"][n] for n in changed if n in last["providers"]))
    return Plan(live, last, changed, old), f"{len(changed)} provider file(s) changed"


def fits(the_plan: Plan, offers: int) -> bool:
    """Whether the last build's buckets still suit the catalogue's size (within a factor
    of two of what a full build would cut)."""
    buckets = the_plan.state["buckets"]
    return buckets / 2 <= index.buckets_for(offers) <= buckets * 2


def checked(the_plan: Plan | None) -> dict[str, Checked] | None:
    """What the live build's load checked of each provider file, for this load to reuse
    (only when nothing else changed: the plan says so)."""
    if the_plan is None or not (the_plan.live / CHECKED_FILE).is_file():
        return None
    return pickle.loads((the_plan.live / CHECKED_FILE).read_bytes())  # nosec B301


def _split_changes(old: Counter, new: Counter) -> bool:
    """Whether a word the index split in an unchanged offer may split differently now:
    a known word came or went that is part of another word of the catalogue (compound
    splitting looks up the parts, and a modifier less -e or -en)."""
    before, after = Lexicon(old).known, Lexicon(new).known
    changed = before ^ after
    if not changed:
        return False
    cores = {w[:-2] if w.endswith("en") else w[:-1] if w.endswith("e") else w for w in changed}
    long_words = [w for w in {*old, *new} if len(w) >= MIN_COMPOUND]
    return any(core in w for core in cores for w in long_words if w not in changed)


def _copy_index(source: Path, target: Path) -> None:
    """The last build's index, its files linked (segments are never written again)."""
    target.mkdir()
    for path in source.iterdir():
        if path.name.endswith("WRITELOCK"):
            continue  # a lock belongs to its own folder's writers
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def write(staging: Path, content: Content, the_plan: Plan, digest: str, shared: str,
          files: dict[str, str]) -> dict | None:
    """Write an incremental build into staging; None (having written nothing) when the
    compound words of unchanged offers would be split differently: then a full build."""
    last = the_plan.state
    live_db = the_plan.live / "catalogue.db"
    changed = set(the_plan.files)
    providers = [p for p in content.providers if Path(p["source"]).name in changed]
    ids = {p["id"] for p in providers}
    offers = [o for o in content.offers if o["provider_id"] in ids]
    names = {p["id"]: p["name"] for p in providers}
    new_texts = [t for o in offers for t in index.offer_texts(o, names[o["provider_id"]])]
    old_texts = store.old_texts(live_db, list(the_plan.old_providers))
    conn = store.connect(live_db)
    try:
        old_counts = Counter({r[0]: r[1] for r in conn.execute("SELECT word, count FROM lexicon")})
    finally:
        conn.close()
    counts = old_counts - index.word_counts(old_texts) + index.word_counts(new_texts)
    if _split_changes(old_counts, counts):
        return None
    forms = {word: Counter(by_form) for word, by_form in last["forms"].items()}
    for word, by_form in index.form_counts(old_texts).items():
        forms[word] = forms.get(word, Counter()) - by_form
    for word, by_form in index.form_counts(new_texts).items():
        forms[word] = forms.get(word, Counter()) + by_form
    forms = {word: by_form for word, by_form in forms.items() if by_form}
    shutil.copyfile(live_db, staging / "catalogue.db")
    store.replace_offers(staging / "catalogue.db", list({*the_plan.old_providers, *ids}),
                         providers, offers, counts, digest, index.usual_spellings(forms))
    buckets = last["buckets"]
    _copy_index(the_plan.live / "index", staging / "index")
    rewrite = {index.bucket_of(p, buckets) for p in {*the_plan.old_providers, *ids}}
    segments = index.write_buckets(staging / "index", content, Lexicon(counts), buckets, rewrite,
                                   {int(b): s for b, s in last["segments"].items()})
    return state(shared, files, content, buckets, segments, forms)
