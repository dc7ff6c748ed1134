"""The generator's export drop: deterministic bytes, headers the loader's contracts know, per-profile folders."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ingest.contracts import contract_for_file
from demo_company import PROFILES, generate
from demo_company.writers import export_day, hubspot_files, hubspot_incremental_files
from demo_company.clock import CANONICAL_AS_OF
from demo_records import PRODUCT_FILES

SMALL = 300

# The file names of the pinned day (outside a generation the calendar is the catalog's own).
EXPORT_DAY, HUBSPOT_FILES, HUBSPOT_INCREMENTAL_FILES = export_day(), hubspot_files(), hubspot_incremental_files()


def drop_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def drops(tmp_path_factory) -> dict[str, Path]:
    """A small drop of every profile."""
    roots = {}
    for profile in PROFILES:
        root = tmp_path_factory.mktemp(profile.replace("+", "_"))
        generate(root, people=SMALL, seed=7, profile=profile, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
        roots[profile] = root
    return roots


def test_same_arguments_give_the_same_bytes(tmp_path):
    generate(tmp_path / "a", people=SMALL, seed=3, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    generate(tmp_path / "b", people=SMALL, seed=3, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    first, second = drop_bytes(tmp_path / "a"), drop_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_different_seed_gives_a_different_company(tmp_path):
    generate(tmp_path / "a", people=SMALL, seed=3, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    generate(tmp_path / "b", people=SMALL, seed=4, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    first, second = drop_bytes(tmp_path / "a"), drop_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert "salesforce/Lead.csv" in different and "_ground_truth/ground_truth.json" in different


@pytest.mark.parametrize("profile, folders", [
    ("salesforce+hubspot", {"salesforce", "hubspot", "spend", "targets", "content"}),
    ("salesforce+marketo", {"salesforce", "marketo", "spend", "targets", "content"}),
    ("salesforce", {"salesforce"}),
    ("hubspot", {"hubspot", "spend"}),
])
def test_each_profile_writes_only_its_systems(drops, profile, folders):
    root = drops[profile]
    assert {p.name for p in root.iterdir()} == folders | {"_ground_truth"}
    assert (root / "_ground_truth" / "ground_truth.json").is_file()
    deals = list((root / "hubspot").glob("*deals*.csv")) if (root / "hubspot").exists() else []
    assert bool(deals) == (profile == "hubspot")


def test_regenerating_another_profile_leaves_no_files_of_the_previous_one(tmp_path):
    generate(tmp_path, people=SMALL, seed=3, profile="salesforce+marketo",
             as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    assert (tmp_path / "salesforce" / EXPORT_DAY / "Lead.csv").is_file()
    generate(tmp_path, people=SMALL, seed=3, profile="hubspot", as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    assert {p.name for p in tmp_path.iterdir()} == {"hubspot", "spend", "_ground_truth"}
    assert (tmp_path / "spend" / "fx_rates.csv").is_file()


def test_the_content_calendar_names_assets_as_touches_do_and_credits_both_teams(drops):
    rows = read_rows(drops["salesforce+hubspot"] / "content" / "content_calendar.csv")
    header, records = rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]
    forms = {row[3] for row in read_rows(next((drops["salesforce+hubspot"] / "hubspot").glob("*form-submissions*")))[1:]}
    campaigns = {row[1] for row in read_rows(drops["salesforce+hubspot"] / "salesforce" / "Campaign.csv")[1:]}

    assert header[:5] == ["asset_name", "campaign_name", "asset_type", "url", "published_date"]
    assert {r["asset_type"] for r in records} == {"Ebook", "Whitepaper", "Guide", "Webinar"}
    assert {r["asset_name"] for r in records} <= forms
    assert {r["campaign_name"] for r in records} <= campaigns
    assert all(r["marketing_helpers"] and r["sales_helpers"] for r in records)
    assert {r["author_team"] for r in records} == {"Marketing", "Sales"}


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown profile"):
        generate(tmp_path, people=SMALL, profile="pipedrive", as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)


def _normalised(name: str) -> str:
    return " ".join(name.split()).lower()


def _header_row(rows: list[list[str]], known: set[str]) -> int:
    """Index of the first row made only of names the contract knows (title lines come before it)."""
    return next(i for i, row in enumerate(rows) if row and all(_normalised(cell) in known for cell in row))


def all_csv_files(drops: dict[str, Path]):
    for profile, root in drops.items():
        for path in sorted(root.rglob("*.csv")):
            yield profile, root, path


def read_rows(path: Path) -> list[list[str]]:
    """The records of an export, ';'-separated when its first line says so (Spanish-language exports)."""
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\r\n", 1)[0]
    return list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))


def test_every_header_is_a_contract_column_and_every_required_column_is_there(drops):
    for _, root, path in all_csv_files(drops):
        source = path.relative_to(root).parts[0]
        contract = contract_for_file(source, path.name)
        assert contract is not None, f"{path.relative_to(root)} matches no contract"
        rows = read_rows(path)
        names = {_normalised(n): c.name for c in contract.columns for n in c.header_names()}
        custom = {_normalised(cell) for cell in rows[0] if source == "salesforce" and cell.endswith("__c")}
        start = _header_row(rows, set(names) | custom)
        header = rows[start]
        mapped = [names.get(_normalised(cell)) for cell in header]
        assert len(set(mapped) - {None}) == len([m for m in mapped if m]), f"{path.name}: duplicate columns"
        missing = {c.name for c in contract.columns if c.required} - set(mapped)
        assert not missing, f"{path.relative_to(root)} lacks required {missing}"
        assert all(len(row) == len(header) for row in rows[start + 1:]), path.name
        if source != "spend":
            assert start == 0, f"{path.name} has lines above its header"


def test_headers_use_each_vendors_own_naming(drops):
    root = drops["salesforce+hubspot"]
    lead_header = next(csv.reader(io.StringIO((root / "salesforce" / "Lead.csv").read_text("utf-8-sig"))))
    assert lead_header[:3] == ["Id", "FirstName", "LastName"] and "Disqualification_Reason__c" in lead_header
    contacts = (root / "hubspot" / HUBSPOT_FILES["contacts"]).read_text("utf-8").splitlines()[0]
    assert contacts.startswith("Record ID,First Name,Last Name,Email,")
    assert "Became a Marketing Qualified Lead Date" in contacts
    spanish = (root / "hubspot" / HUBSPOT_INCREMENTAL_FILES["contacts"]).read_text("utf-8-sig").splitlines()[0]
    assert spanish.startswith("ID de registro;Nombre;Apellidos;Correo;")
    assert "Fecha en que se convirtió en lead calificado para marketing" in spanish
    google = (root / "spend" / "google_ads_campaign_report.csv").read_text("utf-8").splitlines()
    assert google[0] == "Campaign report" and google[2] == "Day,Campaign,Campaign ID,Currency code,Cost,Clicks,Impr."
    linkedin = (root / "spend" / "linkedin_ads_campaign_performance.csv").read_text("utf-8").splitlines()
    assert any(line.startswith("Start Date (in UTC),Campaign Name,Campaign ID,Currency,") for line in linkedin)


def test_only_the_full_salesforce_lead_export_and_the_spanish_hubspot_exports_have_a_byte_order_mark(drops):
    with_bom = {"salesforce/Lead.csv", *(f"hubspot/{name}" for name in HUBSPOT_INCREMENTAL_FILES.values())}
    for _, root, path in all_csv_files(drops):
        has_bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert has_bom == (path.relative_to(root).as_posix() in with_bom), path.relative_to(root)


def test_values_are_written_in_each_vendors_format(drops):
    root = drops["salesforce+marketo"]
    lead = next(csv.DictReader(io.StringIO((root / "salesforce" / "Lead.csv").read_text("utf-8-sig"))))
    assert len(lead["CreatedDate"]) == 24 and lead["CreatedDate"].endswith(":00.000Z")
    assert lead["IsConverted"] in ("true", "false")
    opportunity = next(csv.DictReader(io.StringIO((root / "salesforce" / "Opportunity.csv").read_text("utf-8"))))
    assert opportunity["Amount"].count(".") == 1 and len(opportunity["Amount"].split(".")[1]) == 2
    rate = next(csv.DictReader(io.StringIO((root / "salesforce" / "DatedConversionRate.csv").read_text("utf-8"))))
    assert len(rate["ConversionRate"].split(".")[1]) == 6
    activity = next(csv.DictReader(io.StringIO((root / "marketo" / "activities.csv").read_text("utf-8"))))
    assert activity["activityDate"].endswith(":00Z") and activity["attributes"].startswith("{")
    hubspot = drops["hubspot"]
    deal = next(csv.DictReader(io.StringIO(next((hubspot / "hubspot").glob("*deals*")).read_text("utf-8"))))
    assert len(deal["Create Date"]) == 16 and deal["Is Closed"] in ("true", "false")
    linkedin = (drops["salesforce+hubspot"] / "spend" / "linkedin_ads_campaign_performance.csv").read_text("utf-8")
    assert "/2025," in linkedin


def test_summary_lists_the_files_and_the_funnel(tmp_path):
    summary = generate(tmp_path, people=SMALL, seed=3, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    assert summary["people"] == SMALL and summary["profile"] == "salesforce+hubspot"
    assert "salesforce/Lead.csv" in summary["files"] and "_ground_truth/ground_truth.json" in summary["files"]
    assert all((tmp_path / name).is_file() for name in summary["files"])
    assert list(summary["stage_counts"]) == ["subscriber", "lead", "mql", "sql", "opportunity", "customer",
                                             "evangelist"]
