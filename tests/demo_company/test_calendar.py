"""The demo follows the calendar: a drop is dated relative to the day it is generated (or `as_of`), its
history runs to the day before, the current month is under way, and a seed and a day give the same bytes."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from demo_company import generate
from demo_company.clock import CANONICAL_AS_OF
from demo_records import PRODUCT_FILES
from test_generate import drop_bytes

SMALL = 300
MID_MONTH = date(2026, 3, 18)     # 228 days before the day the catalog's own calendar ends
YEAR = re.compile(r"\b20\d\d\b")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def truth(root: Path) -> dict:
    return json.loads((root / "_ground_truth" / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mid_month(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mid_month")
    generate(root, people=SMALL, seed=3, as_of=MID_MONTH, **PRODUCT_FILES)
    return root


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("canonical")
    generate(root, people=SMALL, seed=3, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    return root


def test_without_a_day_the_drop_is_taken_today(tmp_path):
    summary = generate(tmp_path, people=SMALL, seed=3, **PRODUCT_FILES)
    today = datetime.now(UTC).date()
    assert summary["as_of"] == f"{today.isoformat()}T00:00:00Z" == truth(tmp_path)["as_of"]
    assert (tmp_path / "salesforce" / today.isoformat() / "Lead.csv").is_file()


def test_the_history_ends_the_day_before_and_the_current_month_is_under_way(mid_month):
    document = truth(mid_month)
    assert document["as_of"] == "2026-03-18T00:00:00Z"
    stamps = [value for person in document["persons"] for key, value in person.items()
              if key.endswith("_at") and value]
    assert stamps and max(stamps) < "2026-03-18"
    conversions = [r["Conversion Date"] for r in rows(
        mid_month / "hubspot" / "hubspot-form-submissions-2026-03-18.csv")]
    assert max(conversions) < "2026-03-18" and any(c.startswith("2026-03") for c in conversions)
    assert any(p["became_mql_at"] and p["became_mql_at"].startswith("2026-03") for p in document["persons"])
    # The plan covers the month being lived, so MQLs-against-target shows a month in progress.
    march = [r for r in document["mql_targets"] if r["mql_month"] == "2026-03-01"]
    assert march and sum(r["target_mqls"] or 0 for r in march) > 0
    assert (mid_month / "salesforce" / "2026-03-18" / "Lead.csv").is_file()
    assert not (mid_month / "salesforce" / "2026-11-01").exists()


def test_a_moved_calendar_keeps_weekdays_durations_and_names_in_step(mid_month, canonical):
    written, moved = rows(canonical / "salesforce" / "Campaign.csv"), rows(mid_month / "salesforce" / "Campaign.csv")
    assert len(written) == len(moved) >= 20
    for before, after in zip(written, moved, strict=True):
        assert YEAR.sub("", before["Name"]) == YEAR.sub("", after["Name"])
        start, end = date.fromisoformat(before["StartDate"]), date.fromisoformat(before["EndDate"])
        moved_start, moved_end = date.fromisoformat(after["StartDate"]), date.fromisoformat(after["EndDate"])
        # Whole weeks, as far back as needed for the written history to end before the day: 228 days -> 33 weeks.
        assert (start - moved_start).days == (end - moved_end).days == 7 * 33, before["Name"]
        assert moved_start.weekday() == start.weekday()
        # A name that carries a year takes it from its own date (an event's: a week before the campaign ends).
        if after["Type"] == "Event":
            assert YEAR.search(after["Name"])[0] == str((moved_end - timedelta(days=7)).year), after["Name"]
    assert {after["Name"] for after in moved} >= {"Event - Madrid SaaS Summit 2024", "Event - Madrid SaaS Summit 2025"}


def test_a_seed_and_a_day_give_the_same_bytes_and_another_day_other_ones(tmp_path, mid_month):
    generate(tmp_path / "again", people=SMALL, seed=3, as_of=MID_MONTH, **PRODUCT_FILES)
    assert drop_bytes(tmp_path / "again") == drop_bytes(mid_month)
    generate(tmp_path / "again", people=SMALL, seed=3, as_of=date(2026, 3, 19), **PRODUCT_FILES)
    later = drop_bytes(tmp_path / "again")
    assert "salesforce/2026-03-19/Lead.csv" in later and "salesforce/2026-03-18/Lead.csv" not in later
    assert later != drop_bytes(mid_month)
