"""Hostile and damaged exports: no raw record in any message, file names that cannot forge a report line."""

from __future__ import annotations

from ingest.loader import describe_result, ledger_lines, load_drop

LEAD_HEADER = "Id,LastName,Status,CreatedDate"
STAMP = "2026-03-04T10:15:00.000Z"
EMAIL = "jane.doe@example.com"


def lead_id(n: int) -> str:
    return f"00Q{n:015d}"


def rows(con, sql, params=None):
    return con.execute(sql, params).fetchall()


def test_no_message_copies_a_raw_record(con, drop, write):
    # A value beyond the header's columns, an unterminated quote, and a file without its header whose
    # first record happens to hold a cell equal to a column label (Phone): each record holds an email.
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n{lead_id(2)},Doe,Open,{STAMP},{EMAIL}\n")
    write("salesforce/Lead_2.csv", f'{LEAD_HEADER}\n{lead_id(3)},"Doe {EMAIL},Open,{STAMP}\n{lead_id(4)},B,Open,{STAMP}\n')
    write("salesforce/Lead_3.csv", f"{lead_id(5)},Phone,{EMAIL},Open\n")
    report = load_drop(con, drop, load_id="L1")

    messages = [m for (m,) in rows(con, "select message from ingest.load_ledger")]
    lines = ledger_lines(con, "L1")
    assert len(messages) == len(lines) == 3
    for text in [*messages, *lines, report.summary]:
        assert EMAIL not in text and "Doe" not in text
    assert report.results[2].message == (
        "salesforce/Lead_3.csv: missing required column(s) Id, Status, CreatedDate"
        " (header on line 1: Phone and 3 other label(s))"
    )


def test_a_newline_in_a_file_name_is_shown_escaped(con, drop, write):
    write("salesforce/Lead (1\nx).csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n")
    write("salesforce/notes\r\nLead.csv", "anything\n")
    report = load_drop(con, drop, load_id="L1")

    assert [describe_result(r) for r in report.results] == [
        "'salesforce/Lead (1\\nx).csv' -> raw_salesforce.lead: 1 rows read, 1 loaded, 0 quarantined",
    ]
    assert [u.describe().split(": not a known")[0] for u in report.unrecognised] == [
        "'salesforce/notes\\r\\nLead.csv'",
    ]
    assert all("\n" not in line and "\r" not in line for line in ledger_lines(con, "L1"))
    # The ledger keeps the name as it is on disk.
    assert rows(con, "select file from ingest.load_ledger") == [("salesforce/Lead (1\nx).csv",)]


EXCEL = (
    "invalid id: a number in scientific notation, as Excel writes a long id it has re-saved"
    " (its digits are lost); export the file again and do not re-save it in Excel"
)


def test_ids_excel_rewrote_in_scientific_notation_are_quarantined_naming_excel(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record ID,Associated Company ID,Create Date\n"
        "123456789012345678,223456789012345678,2026-03-04 10:15\n"
        "1.23457E+17,223456789012345678,2026-03-04 10:15\n"
        "123456789012345679,2.23457E+17,2026-03-04 10:15\n"
        "123456789012345680,12-34+5,2026-03-04 10:15\n",
    )
    write("marketo/leads.csv", "id,createdAt\n7,2026-03-04T10:15:00Z\n1.23457E+17,2026-03-04T10:15:00Z\n")
    report = load_drop(con, drop)

    assert [(r.file, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.results] == [
        ("hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv", 4, 1, 3), ("marketo/leads.csv", 2, 1, 1),
    ]
    assert rows(con, "select object, line, column_name, raw_value, reason from ingest.quarantine order by object, line") == [
        ("contacts", 3, "hs_object_id", "1.23457E+17", EXCEL),
        ("contacts", 4, "associatedcompanyid", "2.23457E+17", EXCEL),
        ("contacts", 5, "associatedcompanyid", "12-34+5",
         "invalid id: expected letters, digits, '_', '.', ':' or '-'"),
        ("leads", 3, "id", "1.23457E+17", EXCEL),
    ]
