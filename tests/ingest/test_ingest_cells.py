"""A bad value costs only what it must: cell-level columns load empty, record-level ones drop the record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.contracts import C, cell, contracts_for
from ingest.loader import describe_result, load_drop

CONTACTS = "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv"
INVALID_DECIMAL = "invalid decimal: expected digits with '.' as decimal mark"
INVALID_TIMESTAMP = "invalid timestamp: expected hubspot timestamp like 2026-03-04 10:15"


def rows(con, sql, params=None):
    return con.execute(sql, params).fetchall()


def test_a_bad_score_loads_the_contact_with_an_empty_score_and_quarantines_the_cell(con, drop, write):
    write(CONTACTS, "Record ID,Email,HubSpot Score,Create Date\n"
                    "101,a@example.com,12.5,2026-03-04 10:15\n"
                    "102,b@example.com,\"1,5\",2026-03-04 10:15\n"
                    "103,c@example.com,7,2026-03-04 10:15\n")
    report = load_drop(con, drop)

    assert rows(con, "select rows_read, rows_loaded, rows_quarantined, cells_quarantined from ingest.load_ledger") == [
        (3, 3, 0, 1),
    ]
    assert rows(con, "select hs_object_id, hubspotscore from raw_hubspot.contacts order by 1") == [
        ("101", Decimal("12.5")), ("102", None), ("103", Decimal("7")),
    ]
    assert rows(con, "select line, column_name, raw_value, reason, scope from ingest.quarantine") == [
        (3, "hubspotscore", "1,5", INVALID_DECIMAL, "cell"),
    ]
    assert describe_result(report.results[0]) == (
        f"{CONTACTS} -> raw_hubspot.contacts: 3 rows read, 3 loaded, 0 quarantined, 1 value emptied"
        f" (1 x hubspotscore (value emptied, record loaded): {INVALID_DECIMAL})"
    )


def test_a_decimal_comma_score_parses_in_a_spanish_export_and_no_contact_is_lost(con, drop, write):
    write(CONTACTS, "ID de registro;Correo;Puntuación de HubSpot;Fecha de creación\n"
                    + "".join(f"{n};p{n}@example.com;1,5;04/03/2026 10:15\n" for n in range(1, 9)))
    load_drop(con, drop)

    assert rows(con, "select rows_read, rows_loaded, rows_quarantined, cells_quarantined from ingest.load_ledger") == [
        (8, 8, 0, 0),
    ]
    assert rows(con, "select count(*), min(hubspotscore), max(hubspotscore) from raw_hubspot.contacts") == [
        (8, Decimal("1.5"), Decimal("1.5")),
    ]


def test_a_record_level_failure_drops_the_record_and_its_bad_cells_are_the_records(con, drop, write):
    write(CONTACTS, "Record ID,HubSpot Score,Create Date\n"
                    "101,x,yesterday\n"
                    "102,y,2026-03-04 10:15\n")
    load_drop(con, drop)

    assert rows(con, "select rows_read, rows_loaded, rows_quarantined, cells_quarantined from ingest.load_ledger") == [
        (2, 1, 1, 1),
    ]
    assert rows(con, "select hs_object_id, hubspotscore from raw_hubspot.contacts") == [("102", None)]
    assert rows(con, "select line, column_name, raw_value, reason, scope from ingest.quarantine"
                     " order by line, column_name") == [
        (2, "createdate", "yesterday", INVALID_TIMESTAMP, "record"),
        (2, "hubspotscore", "x", INVALID_DECIMAL, "record"),
        (3, "hubspotscore", "y", INVALID_DECIMAL, "cell"),
    ]


def test_cell_level_columns_are_optional_figures_never_keys_or_required():
    for contract in contracts_for("salesforce") + contracts_for("hubspot") + contracts_for("marketo"):
        for column in contract.columns:
            if column.cell:
                assert not column.required and column.name not in contract.primary_key
                assert column.type in ("integer", "decimal"), (contract.object, column.name)
    with pytest.raises(ValueError):
        cell(C("Id", "id", True))
