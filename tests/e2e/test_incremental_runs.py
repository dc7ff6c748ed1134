"""Daily runs: a warehouse updated run after run by incremental models holds exactly what a
`--full-refresh` build of the same raw tables holds: every staging, intermediate and mart table,
row for row.

The demo company's drop arrives over days into one export folder, each run loading what is new
(the loader skips files it already loaded) and building on the previous run's tables:

    day 1  the full exports of 2026-10-25 and the first part of the HubSpot event exports
    day 2  new rows: the incremental exports of 2026-11-01 and the rest of the event exports; and a
           re-export of earlier event records that changes them (event type, date, form name, a
           submission's email blanked, a record no longer classified)
    day 3  a HubSpot merge: a contact re-exported listing an earlier contact among its merged ids,
           so that contact's form submission (identified by contact, not email) re-keys to the
           survivor's person
    day 4  nothing new, but the definitions classify one more email event type

After every day the warehouse is copied and the copy rebuilt with `--full-refresh`; both must agree.
As-of dates are pinned, so two builds a few seconds apart compute the same reports.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from test_dbt_build import DEFINITIONS, DEMO_INPUTS, run_dbt  # noqa: E402

from demo_company import generate  # noqa: E402
from demo_company.writers import export_day  # noqa: E402
from demo_company.clock import CANONICAL_AS_OF
from ingest.loader import load_drop  # noqa: E402

PEOPLE, SEED = 250, 11
PINNED = {"funnel_definitions_as_of": "2026-11-01", "reporting_as_of": "2026-11-01",
          "lead_sla_as_of": "2026-11-01 00:00:00"}
COMPARED_SCHEMAS = ("staging", "intermediate", "marts_audit")
EMAIL_EVENTS = "hubspot-marketing-email-events"
FORM_SUBMISSIONS = "hubspot-form-submissions"


def definitions() -> dict:
    return json.loads(json.dumps(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")), default=str))


def build(warehouse: Path, work: Path, document: dict, *, full_refresh: bool = False) -> None:
    args = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test", "--vars", json.dumps({"funnel_definitions": document, **PINNED})]
    result = run_dbt(args + (["--full-refresh"] if full_refresh else []), warehouse, work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])


def differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Per table of the compared schemas: (rows only in left, rows only in right), bag semantics."""
    found = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        tables = con.execute(
            "select table_catalog, table_schema, table_name from information_schema.tables "
            "where table_schema in ? and table_type = 'BASE TABLE' order by all", [list(COMPARED_SCHEMAS)]
        ).fetchall()
        left_tables = {(schema, name) for catalog, schema, name in tables if catalog == "l"}
        right_tables = {(schema, name) for catalog, schema, name in tables if catalog == "r"}
        assert left_tables == right_tables and len(left_tables) > 30
        for schema, name in sorted(left_tables):
            relation = f'"{schema}"."{name}"'
            only_left, only_right = (
                con.execute(f"select count(*) from (select * from {a}.{relation} except all "
                            f"select * from {b}.{relation})").fetchall()[0][0]
                for a, b in (("l", "r"), ("r", "l"))
            )
            if only_left or only_right:
                found[f"{schema}.{name}"] = (only_left, only_right)
    return found


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    """The demo drop, split into what arrives on each day (folders of files relative to the drop)."""
    root = tmp_path_factory.mktemp("incremental_demo")
    demo = root / "demo"
    generate(demo, people=PEOPLE, seed=SEED, as_of=CANONICAL_AS_OF.date(), **DEMO_INPUTS)
    later = {path for path in demo.rglob("*.csv")
             if export_day() in path.parent.name or "modified-last" in path.name
             or path.name.startswith((EMAIL_EVENTS, FORM_SUBMISSIONS))}
    day1, day2, day3 = root / "day1", root / "day2", root / "day3"
    for path in demo.rglob("*.csv"):
        target = (day2 if path in later else day1) / path.relative_to(demo)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    for target in day2.rglob("*.csv"):
        if target.name.startswith((EMAIL_EVENTS, FORM_SUBMISSIONS)):
            target.unlink()

    # Events: the earlier part on day 1, the rest on day 2, with a re-export of earlier records.
    header, emails = read_csv(next((demo / "hubspot").glob(EMAIL_EVENTS + "*.csv")))
    cut = len(emails) * 2 // 3
    write_csv(day1 / "hubspot" / f"{EMAIL_EVENTS}-2026-10-25.csv", header, emails[:cut])
    write_csv(day2 / "hubspot" / f"{EMAIL_EVENTS}-2026-11-01.csv", header, emails[cut:])
    kind, when = header.index("Event type"), header.index("Created")
    changed = [copy.copy(row) for row in emails[:cut] if row[kind] == "OPEN"][:12]
    for number, row in enumerate(changed):
        row[kind] = ("CLICK", "DELIVERED", "OPEN")[number % 3]   # reclassified, no longer classified, same
        if number % 3 == 2:
            row[when] = row[when].replace("2025", "2024", 1)     # moved back a year
    write_csv(day2 / "hubspot" / f"{EMAIL_EVENTS}-reexport-2026-11-01.csv", header, changed)

    header, forms = read_csv(next((demo / "hubspot").glob(FORM_SUBMISSIONS + "*.csv")))
    cut = len(forms) * 2 // 3
    write_csv(day1 / "hubspot" / f"{FORM_SUBMISSIONS}-2026-10-25.csv", header, forms[:cut])
    write_csv(day2 / "hubspot" / f"{FORM_SUBMISSIONS}-2026-11-01.csv", header, forms[cut:])
    contact, email, form = header.index("Contact ID"), header.index("Email"), header.index("Form name")
    with_contact = [copy.copy(row) for row in forms[:cut] if row[contact] and row[email]]
    merged_away = with_contact[0]
    merged_away[email] = ""                              # identified by its contact from now on
    renamed = with_contact[1:5]
    for number, row in enumerate(renamed):
        row[form] = ["Demo request", "Newsletter signup", "Quarterly survey", "Contact sales"][number]
    write_csv(day2 / "hubspot" / f"{FORM_SUBMISSIONS}-reexport-2026-11-01.csv", header, [merged_away, *renamed])

    # Day 3: a contact with another email absorbs the submission's contact in a HubSpot merge.
    contacts_file = next((demo / "hubspot").glob("hubspot-crm-exports-all-contacts-*.csv"))
    header, contacts = read_csv(contacts_file)
    record_id, contact_email = header.index("Record ID"), header.index("Email")
    modified, merged_ids = header.index("Last Modified Date"), header.index("Merged Contact IDs")
    absorbed = next(row for row in contacts if row[record_id] == merged_away[contact])
    survivor = copy.copy(next(row for row in contacts if row[contact_email] and row[contact_email] != absorbed[contact_email]
                              and row[record_id] != absorbed[record_id] and not row[merged_ids]))
    survivor[modified], survivor[merged_ids] = "2026-11-02 09:00", absorbed[record_id]
    write_csv(day3 / "hubspot" / "hubspot-crm-exports-contacts-merged-2026-11-02.csv", header, [survivor])
    return root, [day1, day2, day3]


def test_incremental_runs_equal_a_full_refresh(days, tmp_path):
    root, arrivals = days
    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    document = definitions()

    def arrive_and_compare(day: str, document: dict) -> None:
        build(warehouse, tmp_path / "incremental", document)
        rebuilt = tmp_path / f"full_refresh_{day}.duckdb"
        shutil.copy(warehouse, rebuilt)
        build(rebuilt, tmp_path / "full_refresh", document, full_refresh=True)
        assert differences(warehouse, rebuilt) == {}, f"{day}: incremental run differs from a full refresh"
        rebuilt.unlink()

    submission = None
    for number, folder in enumerate(arrivals, start=1):
        shutil.copytree(folder, exports, dirs_exist_ok=True)
        with duckdb.connect(str(warehouse)) as con:
            load_drop(con, exports)
        if number == 1:
            build(warehouse, tmp_path / "incremental", document)   # the first run builds everything
            continue
        arrive_and_compare(f"day {number}", document)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            persons = dict(con.execute(
                "select source_record_id, person_key from intermediate.int_engagement_events "
                "where source_object = 'form_submission'").fetchall())
        if number == 2:
            submission = (merged_away_id(root), persons[merged_away_id(root)])
        else:
            assert persons[submission[0]] != submission[1], "the merge re-keys the submission to the survivor"

    reclassified = copy.deepcopy(document)
    reclassified["engagement_events"]["email_event_types"]["DELIVERED"] = "email_open"
    arrive_and_compare("day 4 (definitions changed)", reclassified)


def merged_away_id(root: Path) -> str:
    header, rows = read_csv(root / "day2" / "hubspot" / f"{FORM_SUBMISSIONS}-reexport-2026-11-01.csv")
    return rows[0][header.index("Conversion ID")]
