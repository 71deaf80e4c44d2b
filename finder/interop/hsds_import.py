"""`finder import hsds PATH`: Open Referral HSDS 3.0 data into content/ YAML.

Reads HSDS JSON (one object, a list, an API page, a folder of files) or the tabular
data package (CSV files with or without datapackage.json), joins everything into the
standard's tables (finder.interop.hsds_tables), and turns organizations into providers
and services into offers (finder.interop.hsds_convert). Our own export comes back field
for field (finder.interop.hsds puts our fields into taxonomy terms and attributes);
foreign taxonomy terms, districts and the like are mapped with a mapping file
(finder.interop.hsds_mapping), and whatever cannot be mapped is listed in the report.
This module writes the files, all of them or none.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from finder import content as content_module
from finder.content import ContentError, Problem
from finder.interop.hsds_convert import Report, to_providers
from finder.interop.hsds_mapping import read_mapping
from finder.interop.hsds_tables import HsdsImportError, read_tables


def import_hsds(source: Path, content_dir: Path, mapping_path: Path | None = None) -> Report:
    """Read HSDS at source into content_dir: providers/<id>.yaml and, for languages whose
    translator is known, translations/<lang>.yaml. Nothing changes unless all of the
    content, old and new, validates (ContentError otherwise)."""
    from finder.content.files import write_providers

    content_dir = Path(content_dir)
    districts = _districts(content_dir)
    mapping = read_mapping(mapping_path, {d["id"] for d in districts})
    report = Report()
    providers = to_providers(read_tables(source), mapping, districts, report)
    files = _translation_files(content_dir, providers)
    with tempfile.TemporaryDirectory(prefix=".hsds-", dir=content_dir.parent) as tmp:
        staging = Path(tmp) / content_dir.name
        shutil.copytree(content_dir, staging, symlinks=True)
        for lang, text in files.items():
            (staging / "translations").mkdir(exist_ok=True)
            (staging / "translations" / f"{lang}.yaml").write_text(text, encoding="utf-8")
        try:
            written = write_providers(staging, providers, keep_translations=False)
        except ContentError as error:
            raise ContentError([Problem(p.file.replace(str(staging), str(content_dir)), p.line,
                                        p.message) for p in error.problems]) from None
        for path in written:
            target = content_dir / "providers" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            report.written.append(str(target))
        for lang in files:
            target = content_dir / "translations" / f"{lang}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / "translations" / f"{lang}.yaml", target)
            report.written.append(str(target))
    return report


def _districts(content_dir: Path) -> list[dict]:
    path = content_dir / "districts.yaml"
    if not path.exists():
        raise HsdsImportError(f"{path}: the content folder needs its districts.yaml (and "
                           "vocabulary.yaml) before offers can be imported")
    data = content_module.load_yaml(path) or {}
    return [{"id": d.get("id"), "name": d.get("name") or d.get("id")}
            for d in data.get("districts") or [] if isinstance(d, dict)]


def _translation_files(content_dir: Path, providers: list[dict]) -> dict[str, str]:
    """Translations whose translator is known go into translations/<lang>.yaml (the way
    the content keeps them); the others stay in the provider files."""
    entries: dict[str, dict] = {}
    translators: dict[str, str] = {}
    for provider in providers:
        for kind, record in [("providers", provider)] + [("offers", o) for o in provider["offers"]]:
            reviews, marks = record.pop("_reviews", {}), record.pop("_marks", {})
            for lang, translator in record.pop("_translated_by", {}).items():
                texts = (record.get("translations") or {}).pop(lang, None)
                if texts is None:
                    continue
                if translators.setdefault(lang, translator) != translator:
                    record["translations"][lang] = texts  # a second translator: keep inline
                    continue
                if lang in marks:
                    texts = {**texts, "translated_from": marks[lang]}
                if lang in reviews:
                    texts = {**texts, "reviewed": reviews[lang]}
                entries.setdefault(lang, {"providers": {}, "offers": {}})[kind][record["id"]] = texts
            if "translations" in record and not record["translations"]:
                del record["translations"]
    files = {}
    for lang, sections in entries.items():
        existing = content_dir / "translations" / f"{lang}.yaml"
        if existing.exists():
            old = yaml.safe_load(existing.read_text(encoding="utf-8")) or {}
            if old.get("translator") != translators[lang]:
                raise ContentError([Problem(str(existing), 1, f"translations/{lang}.yaml has "
                                            f"another translator than the imported texts")])
            for kind in ("providers", "offers"):
                sections[kind] = {**(old.get(kind) or {}), **sections[kind]}
        body = {"language": lang, "translator": translators[lang],
                **{k: v for k, v in sections.items() if v}}
        files[lang] = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    return files
