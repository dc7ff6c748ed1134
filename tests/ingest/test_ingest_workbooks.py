"""XLSX exports load like their CSV twins, with the sheet and its row numbers in the ledger and quarantine.

Workbooks are written here with XlsxWriter, a different library from the loader's reader (python-calamine):
numbers as numbers, dates as Excel date-times, as HubSpot's and Salesforce's XLSX exports hold them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from ingest.discovery import plan_drop
from ingest.loader import describe_result, load_drop

T = dt.datetime
DEALS_CSV = "hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv"
DEALS_XLSX = "hubspot/hubspot-crm-exports-all-deals-2026-11-01.xlsx"
DEALS_HEADER = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Currency", "Close Date",
                "Create Date", "Associated Contact IDs"]
EXCEL = (
    "invalid id: a number in scientific notation, as Excel writes a long id it has re-saved"
    " (its digits are lost); export the file again and do not re-save it in Excel"
)


def rows(con, sql, params=None):
    return con.execute(sql, params).fetchall()


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An XLSX file with one worksheet per entry; None leaves a cell empty, a row of Nones a blank row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    dated = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, cells in sheets.items():
        sheet = book.add_worksheet(name)
        for r, values in enumerate(cells):
            for c, value in enumerate(values):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, dated)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


DEALS = [
    DEALS_HEADER,
    [9001, "Acme deal", "default", "Closed Won", 1234.5, "USD", T(2026, 3, 20, 17, 0), T(2026, 3, 1, 9, 0),
     "101;102"],
    [9002, "Initech deal", "default", "Closed Lost", 800, "EUR", T(2026, 3, 21), T(2026, 3, 2, 9, 30), 103],
]
DEALS_TWIN = (
    ",".join(DEALS_HEADER) + "\n"
    "9001,Acme deal,default,Closed Won,1234.5,USD,2026-03-20 17:00,2026-03-01 09:00,101;102\n"
    "9002,Initech deal,default,Closed Lost,800,EUR,2026-03-21,2026-03-02 09:30,103\n"
)
RAW_DEALS = """select hs_object_id, dealname, pipeline, dealstage, amount, deal_currency_code, closedate, createdate,
    associated_contact_ids, _source_line from raw_hubspot.deals order by hs_object_id"""


def test_an_xlsx_deals_export_loads_the_same_rows_as_its_csv_twin(con, drop, write, tmp_path):
    workbook(drop / DEALS_XLSX, {"All deals": DEALS})
    report = load_drop(con, drop)
    from_workbook = rows(con, RAW_DEALS)

    assert from_workbook == [
        ("9001", "Acme deal", "default", "Closed Won", Decimal("1234.500000"), "USD", T(2026, 3, 20, 17, 0),
         T(2026, 3, 1, 9, 0), "101;102", 2),
        ("9002", "Initech deal", "default", "Closed Lost", Decimal("800.000000"), "EUR", T(2026, 3, 21),
         T(2026, 3, 2, 9, 30), "103", 3),
    ]
    assert describe_result(report.results[0]) == (
        f"{DEALS_XLSX} -> raw_hubspot.deals: 2 rows read, 2 loaded, 0 quarantined"
        " (sheet 'All deals': line numbers are its row numbers)"
    )
    assert rows(con, "select sheet, header_line, status from ingest.load_ledger") == [("All deals", 1, "loaded")]

    import duckdb

    twin = duckdb.connect(str(tmp_path / "twin.duckdb"))
    twin_drop = tmp_path / "twin"
    (twin_drop / "hubspot").mkdir(parents=True)
    (twin_drop / DEALS_CSV).write_text(DEALS_TWIN)
    load_drop(twin, twin_drop)
    assert rows(twin, RAW_DEALS) == from_workbook
    twin.close()


def test_sheet_rows_are_the_line_numbers_and_the_quarantine_names_the_sheet(con, drop):
    workbook(drop / DEALS_XLSX, {"Deals": [
        ["All deals, exported 2026-11-01"],
        [None],
        DEALS_HEADER,
        [9001, "Two-line\nname", "default", "Closed Won", 10, "EUR", T(2026, 3, 20), T(2026, 3, 1), None],
        [None] * 9,
        [9002, "Bad amount", "default", "Closed Won", "ten", "EUR", T(2026, 3, 20), T(2026, 3, 1), None],
        [9003, "Bad date", "default", "Closed Won", 5, "EUR", T(2026, 3, 20), "yesterday", None],
    ], "Summary": [["not read"]]})
    report = load_drop(con, drop)

    assert rows(con, "select hs_object_id, dealname, _source_line from raw_hubspot.deals") == [
        ("9001", "Two-line\nname", 4),
    ]
    assert rows(con, "select line, column_name, raw_value, scope, sheet, file from ingest.quarantine order by line") == [
        (6, "amount", "ten", "record", "Deals", DEALS_XLSX),
        (7, "createdate", "yesterday", "record", "Deals", DEALS_XLSX),
    ]
    assert rows(con, "select sheet, header_line, rows_read, rows_loaded, rows_quarantined from ingest.load_ledger") == [
        ("Deals", 3, 3, 1, 2),
    ]
    assert report.results[0].message.startswith(
        "sheet 'Deals': line numbers are its row numbers; other sheets not read: 'Summary'; "
    )


def test_a_spanish_xlsx_export_reads_numeric_cells_with_their_fraction(con, drop):
    workbook(drop / "hubspot/hubspot-crm-exports-todos-los-negocios.xlsx", {"Negocios": [
        ["ID de registro", "Nombre del negocio", "Etapa del negocio", "Importe", "Fecha de creación"],
        [9002, "Negocio Acme", "Cierre ganado", 1234.5, T(2026, 3, 4, 10, 15)],
        [9003, "Negocio Beta", "Cierre perdido", "1.234,75", "05/03/2026 11:00"],
    ]})
    load_drop(con, drop)

    assert rows(con, "select hs_object_id, amount, createdate from raw_hubspot.deals order by 1") == [
        ("9002", Decimal("1234.500000"), T(2026, 3, 4, 10, 15)),
        ("9003", Decimal("1234.750000"), T(2026, 3, 5, 11, 0)),
    ]


def test_salesforce_xlsx_ids_as_text_load_and_a_long_number_id_names_excel(con, drop):
    workbook(drop / "salesforce/Lead.xlsx", {"Leads": [
        ["Id", "Email", "Status", "CreatedDate"],
        ["00Q5g00000AbCdEAAZ", "ana@acme.com", "Open", T(2026, 3, 4, 10, 15)],
        [123456789012345678, "bo@initech.com", "Open", "2026-03-05T08:00:00.000Z"],
    ]})
    load_drop(con, drop)

    assert rows(con, "select Id, CreatedDate, _source_line from raw_salesforce.lead") == [
        ("00Q5g00000AbCdEAAZ", T(2026, 3, 4, 10, 15), 2),
    ]
    assert rows(con, "select line, column_name, raw_value, reason, sheet from ingest.quarantine") == [
        (3, "Id", "1.23457E+17", EXCEL, "Leads"),
    ]


def test_workbooks_are_planned_by_their_csv_twins_name_or_by_header(drop):
    workbook(drop / "salesforce/Opportunity.xlsx", {"Sheet1": [["Id"]]})
    workbook(drop / "hubspot/My open deals view.xlsx", {"Sheet1": [DEALS_HEADER]})
    workbook(drop / "salesforce/Lead_Score__c.xlsx", {"Sheet1": [["Id"]]})
    plan = plan_drop(drop)

    assert [(s, o, [p.name for p in ps]) for (s, o), ps in sorted(plan.files.items())] == [
        ("hubspot", "deals", ["My open deals view.xlsx"]),
        ("salesforce", "opportunity", ["Opportunity.xlsx"]),
    ]
    assert [u.path for u in plan.unrecognised] == ["salesforce/Lead_Score__c.xlsx"]


def test_a_file_that_is_not_a_workbook_is_refused_by_name_and_a_repeated_one_is_skipped(con, drop, write):
    write("salesforce/Lead.xlsx", "Id,Email\n00Q5g00000AbCdEAAZ,ana@acme.com\n")
    workbook(drop / DEALS_XLSX, {"All deals": DEALS})
    workbook(drop / "hubspot/2026-11-02/hubspot-crm-exports-all-deals-2026-11-02.xlsx", {"All deals": DEALS})
    report = load_drop(con, drop)

    by_file = {r.file: (r.status, r.message) for r in report.results}
    status, message = by_file["salesforce/Lead.xlsx"]
    assert status == "refused"
    assert message == (
        "salesforce/Lead.xlsx: not readable as an XLSX workbook: it is not a zip archive, as every XLSX file is"
        " (a CSV saved with an .xlsx name?)"
    )
    assert "ana@acme.com" not in message
    assert by_file["hubspot/2026-11-02/hubspot-crm-exports-all-deals-2026-11-02.xlsx"][0] == "skipped_duplicate"
    assert rows(con, "select count(*) from raw_hubspot.deals") == [(2,)]
