"""What the marts' no_contact_details gate calls a contact detail (macro looks_like_contact_detail),
on hand-picked values: emails and phone numbers in their usual spellings are caught; identifiers
are not, including an md5 key that happens to be all decimal digits (about one in 3.5 million keys,
so a company of a million people has one or two of them)."""

from __future__ import annotations

import json

from ingest.contracts import sql_string
from test_dbt_build import run_dbt

CASES = {
    "ana.garcia@example.com": True,
    "+1 (555) 123-4567": True,
    "+49 30 1234567": True,
    "5551234": True,                                     # 7 digits
    "123456": False,                                     # 6 digits: too short for a phone number
    "+44 20 7946 0958 1234": False,                      # 16 digits: longer than any E.164 number
    "12345678901234567890123456789012": False,           # an md5 key in hex with decimal digits only
    "00006171d69994a0028b04b33694c3fa": False,
    "Whitepaper: RevOps in LATAM 2026": False,
    "2025.1": False,
}


def test_contact_details_are_told_from_identifiers(tmp_path):
    values = " union all ".join(f"select {sql_string(value)} as v" for value in CASES)
    query = ("select v, {{ smarketing.looks_like_contact_detail('v') }} as flagged from (" + values + ") as cases")
    result = run_dbt(["show", "--inline", query, "--limit", str(len(CASES)), "--output", "json", "--log-format", "json"],
                     tmp_path / "warehouse.duckdb", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    shown = None
    for line in result.stdout.splitlines():
        data = json.loads(line).get("data", {})
        if "preview" in data:
            shown = json.loads(data["preview"])
    assert shown is not None, result.stdout[-3000:]
    assert {row["v"]: row["flagged"] for row in shown} == CASES
