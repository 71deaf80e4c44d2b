"""Translations families can act on: the glossary's terms kept with their German and never
rendered wrongly, one place per translated text, numbers the same as the German's, and a
review per offer and language that notices when the German changes afterwards."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from finder.content import ContentError, load
from finder.content.numbers import differences, numbers_in
from finder.model import LANGUAGES
from tests.conftest import BUNDLED, TODAY, run_finder


def line_of(path: Path, text: str) -> int:
    """The line of a file that holds text (1-based)."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace a text in a content file; the line it is on."""
    source = path.read_text(encoding="utf-8")
    assert old in source, old
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return line_of(path, new.splitlines()[0] if new.strip() else old)


def check(root: Path, *extra: str):
    return run_finder("check", "--content", str(root), *extra)


# ---- the glossary -----------------------------------------------------------------------

def test_the_glossary_has_the_terms_families_meet_in_every_language():
    glossary = load(BUNDLED).glossary
    names = {term["de"] for term in glossary}
    for needed in ("Jugendamt", "Jobcenter", "Familienkasse", "Kindergeld", "Kinderzuschlag",
                   "Bildung und Teilhabe", "Wohngeld", "Elterngeld", "Unterhaltsvorschuss",
                   "Rechtsanspruch auf einen Betreuungsplatz", "Kita", "Krippe", "Hort",
                   "Kindertagespflege", "Ganztag", "Frühe Hilfen", "Frühförderung",
                   "Eingliederungshilfe", "Schulbegleitung", "Duldung", "Aufenthaltserlaubnis",
                   "Asylverfahren", "BAMF", "Integrationskurs", "Arbeitsgelegenheit",
                   "Ausbildung", "Berufsberatung", "Schwangerschaftskonfliktberatung",
                   "Frauenhaus", "Inobhutnahme"):
        assert needed in names, needed
    for term in glossary:
        assert term["explanation"], term["de"]
        assert set(term["languages"]) == set(LANGUAGES[1:]), term["de"]
        if not term["phrase"]:
            for lang, rendering in term["languages"].items():
                assert rendering.get("explanation"), (term["de"], lang)


def test_a_wrong_rendering_fails_the_check_with_file_and_line(copy):
    uk = copy / "translations" / "uk.yaml"
    entry = line_of(uk, "  arbeitsgelegenheit-fundus:")
    name_line = entry + 1
    lines = uk.read_text(encoding="utf-8").splitlines()
    assert lines[name_line - 1].startswith("    name:")
    lines[name_line - 1] = '    name: "Практика й тимчасова робота (Arbeitsgelegenheit) у магазині"'
    uk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert re.search(rf"content/translations/uk\.yaml:{name_line}: .*'Arbeitsgelegenheit' "
                     r"rendered as 'тимчасова робота'", result.stderr), result.stderr


def test_a_term_without_its_german_in_brackets_fails_the_check(copy):
    en = copy / "translations" / "en.yaml"
    line = line_of(en, "  kita-anmeldung-servicestelle:") + 2
    lines = en.read_text(encoding="utf-8").splitlines()
    assert lines[line - 1].startswith("    summary:") and "day nursery (Kita)" in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace("day nursery (Kita)", "day nursery")
    en.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert re.search(rf"content/translations/en\.yaml:{line}: translation en\.summary of offer "
                     r"'kita-anmeldung-servicestelle': 'Kita' without the German in brackets",
                     result.stderr), result.stderr


def test_the_glossary_holds_its_own_renderings_to_the_rule(content):
    content.offers("Treff")
    (content.root / "glossary.yaml").write_text(
        "terms:\n"
        "  - de: Jugendamt\n"
        "    explanation: Das Amt für Kinder und Familien.\n"
        "    en: {use: Youth Welfare Office, wrong: [youth office]}\n"
        "    tr: {use: Gençlik Dairesi (Jugendamt)}\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(content.root)
    found = [str(p) for p in error.value.problems]
    assert any("glossary.yaml:4:" in p and "must keep the German term in brackets" in p
               for p in found), found
    assert any("glossary.yaml:2:" in p and "has no rendering in 'ar'" in p for p in found), found


# ---- one place per translated text ------------------------------------------------------

def test_an_inline_copy_of_a_translated_text_fails_the_check(copy):
    provider = copy / "providers" / "jugendamt.yaml"
    line = replace_in(provider, "    assured_date: 2026-10-02\n",
                      "    assured_date: 2026-10-02\n    translations:\n      en:\n"
                      "        summary: An old summary that the translation file replaced.\n")
    en_line = line_of(copy / "translations" / "en.yaml", "  kita-anmeldung-servicestelle:") + 2
    result = check(copy)
    assert result.returncode == 1
    assert (f"content/providers/jugendamt.yaml:{line + 3}: translation en.summary of offer "
            f"'kita-anmeldung-servicestelle' is also in content/translations/en.yaml:{en_line}"
            ) in result.stderr, result.stderr


def test_the_bundled_provider_files_keep_no_translations():
    for path in (BUNDLED / "providers").glob("*.yaml"):
        assert "translations:" not in path.read_text(encoding="utf-8"), path.name


def test_a_small_catalogue_may_keep_its_translations_in_the_provider_file(content):
    content.provider("""\
id: test-provider
name: Testträger
address_1: Teststraße 1
postal_code: "37581"
district: altstadt
latitude: 51.7
longitude: 9.8
offers:
  - id: treff
    name: Elterntreff
    summary: Eltern treffen sich.
    description: Eltern treffen sich dienstags.
    topics: [meeting_places]
    free: true
    translations:
      en: {name: Parents' meeting, summary: Parents meet.}
""")
    assert load(content.root).offers[0]["translations"]["en"]["name"] == "Parents' meeting"


# ---- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("german,translated", [
    ("ab 17 Uhr", "from 17:00"), ("ab 17 Uhr", "from 5 pm"), ("9.30 bis 11.30 Uhr", "9:30–11:30"),
    ("3,50 Euro", "€3.50"), ("3,50 Euro", "۳٫۵۰ یورو"), ("für 12- bis 27-Jährige", "١٢–٢٧ سنة"),
    ("1.000 Euro", "€1,000"), ("zehn Abende", "10 evenings"), ("2.800 Mitglieder", "2 800 членів"),
])
def test_numbers_written_differently_are_the_same(german, translated):
    assert differences(german, translated) == ([], []), numbers_in(translated)


def test_a_changed_number_is_listed_with_file_and_line(copy):
    en = copy / "translations" / "en.yaml"
    source = en.read_text(encoding="utf-8")
    entry = source.index("\n  jobcenter-u25:\n")
    body = source[entry:entry + 2000]
    assert "under 25" in body
    en.write_text(source[:entry] + body.replace("under 25", "under 26", 1)
                  + source[entry + 2000:], encoding="utf-8")
    line = line_of(en, "under 26")
    result = check(copy, "--coverage")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"content/translations/en\.yaml:{line}: numbers of en\.summary of offer "
                     r"'jobcenter-u25' differ from the German: missing 25; not in the German 26",
                     result.stdout), result.stdout


# ---- reviews ----------------------------------------------------------------------------

def test_a_review_is_recorded_and_the_german_changing_afterwards_shows(copy, tmp_path):
    from finder.catalogue import live
    from finder.catalogue.build import build

    offer = "kita-anmeldung-servicestelle"
    tr_file = copy / "translations" / "tr.yaml"
    tr_file.write_text("".join(line for line in tr_file.read_text(encoding="utf-8")
                               .splitlines(keepends=True) if not line.startswith("    reviewed:")),
                       encoding="utf-8")
    build(copy, tmp_path / "data")
    assert live(tmp_path / "data").offer(offer).translation_state("tr") == "unreviewed"
    result = run_finder("translations", "reviewed", "tr", offer, "--by",
                        "second AI review, not yet a native speaker", "--content", str(copy))
    assert result.returncode == 0, result.stderr
    tr = tr_file.read_text(encoding="utf-8")
    assert tr.count("    reviewed:") == 1
    block = tr[tr.index(f"\n  {offer}:\n") + 1:]
    block = block[:re.search(r"\n  \S", block).start()]
    assert re.search(r'\n    translated_from: \{name: "[0-9a-f]{8}", summary: "[0-9a-f]{8}", '
                     r'description: "[0-9a-f]{8}"[^}]*\}\n'
                     r'    reviewed: \{by: "second AI review, not yet a native speaker", '
                     r'date: 2026-12-05, translation: "[0-9a-f]{12}"\}', block), block
    assert check(copy).returncode == 0
    build(copy, tmp_path / "data")
    assert live(tmp_path / "data").offer(offer).translation_state("tr") == "reviewed"
    # The German changes after the review: the Turkish is now older than the German.
    replace_in(copy / "providers" / "jugendamt.yaml", "sechs Monate vorher an.",
               "neun Monate vorher an.")
    build(copy, tmp_path / "data")
    catalogue = live(tmp_path / "data")
    assert catalogue.offer(offer).translation_state("tr") == "outdated"
    assert catalogue.offer(offer).translation_state("de") == "original"


def test_a_review_names_who_reviewed(copy):
    result = run_finder("translations", "reviewed", "tr", "--all", "--by", " ",
                        "--content", str(copy))
    assert result.returncode != 0 and "say who reviewed" in result.stderr
    result = run_finder("translations", "reviewed", "tr", "no-such-offer", "--by", "x",
                        "--content", str(copy))
    assert result.returncode != 0 and "no-such-offer" in result.stderr


def test_every_bundled_offer_is_reviewed_in_every_language():
    from finder.content.reviews import states

    for lang, counts in states(load(BUNDLED)):
        assert counts["reviewed"] == sum(counts.values()) - counts["missing"], (lang, counts)
        assert counts["outdated"] == counts["unreviewed"] == 0, (lang, counts)


def test_a_bad_review_record_is_reported_with_its_line(copy):
    tr = copy / "translations" / "tr.yaml"
    entry = line_of(tr, "  kita-anmeldung-servicestelle:")
    lines = tr.read_text(encoding="utf-8").splitlines()
    lines = [line for i, line in enumerate(lines)
             if not (i > entry - 1 and line.startswith("    reviewed:") and
                     i < entry + 8)]
    lines.insert(entry, '    reviewed: {by: "", date: yesterday}')
    tr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert f"content/translations/tr.yaml:{entry + 1}: reviewed of tr offer " in result.stderr


def test_the_translators_say_honestly_who_translated():
    for lang in LANGUAGES[1:]:
        text = (BUNDLED / "translations" / f"{lang}.yaml").read_text(encoding="utf-8")
        translator = re.search(r'^translator: "(.*)"$', text, re.M).group(1)
        assert "AI" in translator and "not yet" in translator, (lang, translator)


@pytest.fixture
def copy_without_reviews(copy):
    """The bundled content copied, every review line taken out."""
    for path in (copy / "translations").glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(line for line in lines
                                  if not line.startswith("    reviewed:")) + "\n",
                        encoding="utf-8")
    shutil.rmtree(copy / "providers" / "__pycache__", ignore_errors=True)
    return copy


def test_without_reviews_every_translation_is_unreviewed(copy_without_reviews):
    from finder.content.reviews import states

    for lang, counts in states(load(copy_without_reviews)):
        assert counts["reviewed"] == 0 and counts["unreviewed"] > 150, (lang, counts)


# ---- the offer page ---------------------------------------------------------------------

def offer_page(data: Path, lang: str, offer: str) -> str:
    from finder.web import create_app

    response = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client().get(
        f"/{lang}/offer/{offer}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def terms_section(html: str) -> str:
    start = html.index('class="terms"')
    return html[start:html.index("</section>", start)]


def test_the_offer_page_explains_its_terms_on_tap_without_javascript(bundled_data):
    offer = "kita-anmeldung-servicestelle"
    english = terms_section(offer_page(bundled_data, "en", offer))
    found = re.search(r'<details id="term-kita"><summary>day nursery \(Kita\)</summary>\s*'
                      r"<p>The day-care centre for children from about 1 year [^<]*</p></details>",
                      english)
    assert found, english
    assert '<details id="term-rechtsanspruch-auf-einen-betreuungsplatz">' in english
    assert "<script" not in english and "onclick" not in english
    # In Arabic the German in the brackets is isolated, the explanation is Arabic.
    arabic = terms_section(offer_page(bundled_data, "ar", offer))
    assert '(<bdi dir="ltr">Kita</bdi>)</summary>' in arabic
    assert "دار رعاية نهارية" in arabic
    german = terms_section(offer_page(bundled_data, "de", offer))
    assert "<summary>Kita</summary>" in german and "Die Kindertagesstätte" in german


def test_a_reviewed_translation_carries_no_note(bundled_data):
    for lang in LANGUAGES:
        assert "translation-state" not in offer_page(bundled_data, lang, "jobcenter-u25"), lang


def test_the_offer_page_says_when_a_translation_is_unreviewed_or_older_than_the_german(
        copy_without_reviews, tmp_path):
    from finder.catalogue.build import build
    from finder.content.reviews import write_reviews

    copy, offer = copy_without_reviews, "kita-anmeldung-servicestelle"
    build(copy, tmp_path / "unreviewed")
    html = offer_page(tmp_path / "unreviewed", "en", offer)
    note = re.search(r'<p class="note translation-state">(.*?)</p>', html, re.S)
    assert note and "not been checked yet" in note.group(1), html
    assert f'href="/de/offer/{offer}"' in note.group(1)
    assert "translation-state" not in offer_page(tmp_path / "unreviewed", "de", offer)

    write_reviews(copy, "en", [offer], "second AI review, not yet a native speaker", TODAY)
    build(copy, tmp_path / "reviewed")
    assert "translation-state" not in offer_page(tmp_path / "reviewed", "en", offer)

    replace_in(copy / "providers" / "jugendamt.yaml", "sechs Monate vorher an.",
               "neun Monate vorher an.")
    build(copy, tmp_path / "outdated")
    html = offer_page(tmp_path / "outdated", "en", offer)
    note = re.search(r'<p class="note translation-state">(.*?)</p>', html, re.S)
    assert note and "older than the German text" in note.group(1), html


def test_a_review_without_the_marks_of_its_german_is_refused(copy):
    """A review names the German it checked by translated_from (the marks outdated_translation
    reads); without them a later change of the German could not show."""
    tr = copy / "translations" / "tr.yaml"
    entry = line_of(tr, "  kita-anmeldung-servicestelle:")
    lines = tr.read_text(encoding="utf-8").splitlines()
    at = next(i for i in range(entry, len(lines)) if lines[i].startswith("    translated_from:"))
    del lines[at]
    tr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check(copy)
    assert result.returncode == 1
    assert (f"content/translations/tr.yaml:{at + 1}: reviewed of tr offer "
            f"'kita-anmeldung-servicestelle': no translated_from mark for name, summary"
            ) in result.stderr, result.stderr
