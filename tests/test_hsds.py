"""Open Referral HSDS 3.0: the export validates against the standard's schemas, content
comes back unchanged through HSDS, and the official examples import."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from finder.content import load
from finder.interop.hsds_export import export
from finder.interop.hsds_import import HsdsImportError, import_hsds
from tests.conftest import BUNDLED, ROOT, run_finder

HSDS = ROOT / "tests" / "data" / "hsds-3.0"
SCHEMAS = HSDS / "schema"
EXAMPLES = HSDS / "examples"
EXAMPLE_MAPPING = ROOT / "tests" / "data" / "hsds-examples-mapping.yaml"


def validator(name: str):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()), DRAFT202012))
        for p in SCHEMAS.glob("*.json") if p.name in ("taxonomy.json", "metadata.json"))
    return jsonschema.validators.validator_for(schema)(
        schema, format_checker=jsonschema.FormatChecker(), registry=registry)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hsds")
    result = run_finder("export", "hsds", str(out), "--content", str(BUNDLED))
    assert result.returncode == 0, result.stderr
    assert "exported 201 services of 69 organizations" in result.stdout
    return out


def errors(name: str, items: list[dict]) -> list[str]:
    check = validator(name)
    return [f"{item.get('id')}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for item in items for e in check.iter_errors(item)]


@pytest.mark.parametrize("document, schemas", [
    ("services", ("service", "service_list")),
    ("organizations", ("organization", "organization_list")),
    ("service_at_locations", ("service_at_location", "service_at_location_list")),
    ("taxonomies", ("taxonomy",)),
    ("taxonomy_terms", ("taxonomy_term",)),
])
def test_the_json_export_is_valid_against_every_schema(exported, document, schemas):
    items = json.loads((exported / "json" / f"{document}.json").read_text())
    assert items
    for schema in schemas:
        assert errors(schema, items) == [], schema


def test_the_validation_can_fail():
    """The schemas do catch a broken service (so a passing export means something)."""
    assert errors("service", [{"id": "not-a-uuid", "name": 5, "status": "open"}])


def typed(rows: list[dict], properties: dict) -> list[dict]:
    """CSV cells as the types the tabular schema gives each column."""
    result = []
    for row in rows:
        item = {}
        for key, value in row.items():
            if value == "":
                continue
            kind = properties.get(key, {}).get("type")
            item[key] = float(value) if kind == "number" else int(value) if kind == "integer" \
                else value
        result.append(item)
    return result


def test_the_data_package_is_valid_against_the_tabular_schema(exported):
    package = json.loads((exported / "tabular" / "datapackage.json").read_text())
    tabular = json.loads((SCHEMAS / "tabular.json").read_text())
    data = {}
    for resource in package["resources"]:
        path = exported / "tabular" / resource["path"]
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == [f["name"] for f in resource["schema"]["fields"]]
            rows = list(reader)
        table = tabular["properties"][resource["name"]]["items"]
        assert resource["path"] == table["path"]
        data[resource["name"]] = typed(rows, table["properties"])
    assert {"service", "organization", "location", "address", "attribute", "taxonomy_term",
            "taxonomy", "schedule", "phone", "service_at_location"} <= set(data)
    assert len(data["service"]) == 201 and len(data["organization"]) == 69
    check = jsonschema.validators.validator_for(tabular)(
        tabular, format_checker=jsonschema.FormatChecker())
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in check.iter_errors(data)]
    assert problems == []
    # every column the standard requires for the tabular form is filled
    for name, rows in data.items():
        required = tabular["properties"][name]["items"].get("tabular_required") or []
        for row in rows:
            assert all(row.get(column) for column in required), (name, row)


def test_our_fields_travel_as_terms_and_attributes(exported):
    services = json.loads((exported / "json" / "services.json").read_text())
    service = next(s for s in services
                   if any(a["link_type"] == "offer_id" and a["value"] == "berufsberatung"
                          for a in s["attributes"]))
    by_type = {a["link_type"]: a for a in service["attributes"]}
    assert by_type["school_to_work"]["taxonomy_term"]["taxonomy"] == "Familienwegweiser: Themen"
    assert by_type["min_age_months"]["value"] == "168"
    offer = next(o for o in load(BUNDLED).offers if o["id"] == "berufsberatung")
    assert by_type["en:name"]["value"] == offer["translations"]["en"]["name"]
    assert service["minimum_age"] == 14 and service["maximum_age"] == 26
    assert [s["byday"] for s in service["schedules"]] == ["MO,TU,WE,TH,FR", "TH"]
    assert service["cost_options"][0]["amount"] == 0
    assert {lang["code"] for lang in service["languages"]} == {"de", "en"}


def content_without_offers(root: Path) -> Path:
    """The bundled content folder with its vocabulary and districts, but no providers."""
    target = root / "content"
    shutil.copytree(BUNDLED, target)
    shutil.rmtree(target / "providers")
    shutil.rmtree(target / "translations")
    (target / "providers").mkdir()
    return target


def comparable(content) -> tuple:
    offers = sorted(({k: v for k, v in o.items() if k != "source"} for o in content.offers),
                    key=lambda o: o["id"])
    providers = sorted(content.providers, key=lambda p: p["id"])
    return (providers, offers, content.districts, content.vocabulary, content.town,
            content.helplines)


@pytest.mark.parametrize("form", ["json", "tabular"])
def test_content_comes_back_unchanged_through_hsds(exported, tmp_path, form):
    target = content_without_offers(tmp_path)
    result = run_finder("import", "hsds", str(exported / form), "--content", str(target))
    assert result.returncode == 0, result.stderr
    assert "imported 201 offers of 69 providers" in result.stdout
    assert "not mapped" not in result.stdout and "skipped" not in result.stdout
    before, after = load(BUNDLED), load(target)
    assert comparable(after) == comparable(before)
    # the translators are kept as the content keeps them: one file per language
    assert sorted(p.name for p in (target / "translations").glob("*.yaml")) == \
        sorted(p.name for p in (BUNDLED / "translations").glob("*.yaml"))


@pytest.mark.parametrize("source", [
    "service_full.json", "organization_full.json", "service_list.json",
    "service_at_location_full.json", "csv", ".",
])
def test_the_official_examples_import(tmp_path, source):
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target)
    result = run_finder("import", "hsds", str(EXAMPLES / source), "--mapping",
                        str(EXAMPLE_MAPPING), "--content", str(target))
    assert result.returncode == 0, result.stderr
    written = target / "providers" / "example-organization-inc.yaml"
    assert written.exists()
    # Their coordinates (100, 101) are no place on Earth: reported, not written.
    assert "not mapped" in result.stdout
    if source != "service_list.json":  # the list shape has no locations
        assert "no place on Earth" in result.stdout
    check = run_finder("check", "--content", str(target))
    assert check.returncode == 0, check.stderr
    content = load(target)
    imported = [o for o in content.offers if o["provider_id"] == "example-organization-inc"]
    if source not in ("organization_full.json",):
        offer = next(o for o in imported if o["id"] == "community-counselling")
        # Through its term where the service carries one, else the mapping's default topic.
        with_term = source not in ("csv", "service_list.json")
        assert offer["topics"] == (["parenting_advice", "health"] if with_term
                                   else ["parenting_advice"])
        assert offer["min_age_months"] == 144 and offer["free"] is False
        if source != "service_list.json":  # the list shape has no phones
            assert offer["phones"] == ["+44 1234 234567"]


def test_unmapped_terms_are_reported_and_the_offer_left_out(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target)
    before = sorted(p.name for p in (target / "providers").iterdir())
    report = import_hsds(EXAMPLES / "service_full.json", target)
    assert report.offers == 0
    assert any("no term maps to a topic" in s for s in report.skipped)
    assert "taxonomy term 'name' (code 'code')" in report.unmapped
    # the organization is written as a provider without offers
    after = sorted(p.name for p in (target / "providers").iterdir())
    assert after == sorted([*before, "example-organization-inc.yaml"])
    assert load(target).offers == load(BUNDLED).offers


def test_a_bad_mapping_names_its_file_and_line(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("topics:\n  Beratung: advice\ncolour: red\n", encoding="utf-8")
    with pytest.raises(HsdsImportError) as error:
        import_hsds(EXAMPLES / "service_full.json", BUNDLED, mapping)
    message = str(error.value)
    assert f"{mapping}:2: unknown topic 'advice'" in message
    assert f"{mapping}:3: unknown section 'colour'" in message


def test_an_import_that_breaks_the_content_changes_nothing(exported, tmp_path):
    """Our own export into the bundled content clashes with every existing id."""
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target)
    (target / "providers" / "extra.yaml").write_text(
        (BUNDLED / "providers" / "awo.yaml").read_text(encoding="utf-8")
        .replace("id: awo", "id: extra", 1), encoding="utf-8")
    snapshot = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    result = run_finder("import", "hsds", str(exported / "json"), "--content", str(target))
    assert result.returncode == 1
    assert "duplicate offer id" in result.stderr and "is unchanged" in result.stderr
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot


def test_export_and_import_in_python(tmp_path):
    result = export(load(BUNDLED), tmp_path / "out")
    assert result.services == 201 and result.organizations == 69
    assert (tmp_path / "out" / "tabular" / "datapackage.json").exists()
