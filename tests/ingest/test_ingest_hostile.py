"""Hostile and damaged exports: no raw record in any message, file names that cannot forge a report line."""

from __future__ import annotations

import pytest

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
    write("salesforce/Lead_2.csv",
          f'{LEAD_HEADER}\n{lead_id(3)},"Doe {EMAIL},Open,{STAMP}\n{lead_id(4)},B,Open,{STAMP}\n')
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
    assert rows(con, "select object, line, column_name, raw_value, reason from ingest.quarantine"
                     " order by object, line") == [
        ("contacts", 3, "hs_object_id", "1.23457E+17", EXCEL),
        ("contacts", 4, "associatedcompanyid", "2.23457E+17", EXCEL),
        ("contacts", 5, "associatedcompanyid", "12-34+5",
         "invalid id: expected letters, digits, '_', '.', ':' or '-'"),
        ("leads", 3, "id", "1.23457E+17", EXCEL),
    ]


FEWER = "unreadable record: fewer values than the header has columns"
MORE = "unreadable record: more values than the header has columns"
QUOTE = "unreadable record: a quote that is never closed (or text after a closing quote)"
LONG = "unreadable record: longer than 2,000,000 bytes"
NOT_UTF8 = "unreadable record: bytes that are not valid UTF-8 in a UTF-8 file"


def ledger(con):
    return rows(con, "select file, status, encoding, rows_read, rows_loaded, rows_quarantined from ingest.load_ledger"
                     " order by file_order")


def quarantined(con):
    return rows(con, "select line, column_name, raw_value, reason from ingest.quarantine order by file_order, line")


def loaded_lines(con):
    return rows(con, "select Id, _source_line from raw_salesforce.lead order by _source_line")


def test_an_unterminated_quote_sets_aside_its_line_and_the_lines_it_swallowed_load(con, drop, write):
    write("salesforce/Lead.csv", f'{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n{lead_id(2)},"Doe,Open,{STAMP}\n'
                                 f"{lead_id(3)},C,Open,{STAMP}\n{lead_id(4)},D,Open,{STAMP}\n")
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 4, 3, 1)]
    assert loaded_lines(con) == [(lead_id(1), 2), (lead_id(3), 4), (lead_id(4), 5)]
    assert quarantined(con) == [(3, "LastName", f'{lead_id(2)},"Doe,Open,{STAMP}', QUOTE)]


def test_broken_records_among_multi_line_values_and_blank_lines_keep_their_physical_lines(con, drop, write):
    write("salesforce/Lead.csv", "\r\n".join([
        f"{LEAD_HEADER},Description",                    # 1
        f'{lead_id(1)},A,Open,{STAMP},"two\r\nlines"',   # 2-3
        "",                                              # 4
        f"{lead_id(2)},B,Open,{STAMP}",                  # 5: a value short
        f'{lead_id(3)},C,Open,{STAMP},"x"',              # 6
        f"{lead_id(4)},D,Open,{STAMP},ok,extra",         # 7: a value too many
        f'{lead_id(5)},E,Open,{STAMP},"three\r\nline\r\nvalue"',  # 8-10
        f'{lead_id(6)},"F,Open,{STAMP},fine',            # 11: a quote never closed
        f"{lead_id(7)},G,Open,{STAMP},last",             # 12
    ]) + "\r\n")
    report = load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 7, 4, 3)]
    assert loaded_lines(con) == [(lead_id(1), 2), (lead_id(3), 6), (lead_id(5), 8), (lead_id(7), 12)]
    assert quarantined(con) == [
        (5, "Description", f"{lead_id(2)},B,Open,{STAMP}", FEWER),
        (7, "", f"{lead_id(4)},D,Open,{STAMP},ok,extra", MORE),
        (11, "LastName", f'{lead_id(6)},"F,Open,{STAMP},fine', QUOTE),
    ]
    assert report.results[0].message == f"1 x Description: {FEWER}; 1 x LastName: {QUOTE}; 1 x record: {MORE}"


def test_a_field_over_two_megabytes_is_quarantined_and_the_rest_loads(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n{lead_id(2)},{'x' * 2_500_000},Open,"
                                 f"{STAMP}\n{lead_id(3)},C,Open,{STAMP}\n")
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 3, 2, 1)]
    assert loaded_lines(con) == [(lead_id(1), 2), (lead_id(3), 4)]
    assert rows(con, "select line, column_name, reason, starts_with(raw_value, ?) from ingest.quarantine",
                [f"{lead_id(2)},xxx"]) == [(3, "", LONG, True)]


MARTIN = [f"{lead_id(n)},Martín,Open,{STAMP}\n" for n in range(1, 14)]
PLAIN = [f"{lead_id(n)},Row{n},Open,{STAMP}\n" for n in range(14, 20)]


@pytest.mark.parametrize("bom", [False, True])
def test_one_invalid_byte_in_a_utf8_file_quarantines_its_record_and_the_file_stays_utf8(con, drop, write, bom):
    body = "".join(MARTIN[:10] + PLAIN[:3]).encode() + f"{lead_id(20)},Bad".encode() + b"\xff" + \
        f",Open,{STAMP}\n".encode() + "".join(MARTIN[10:] + PLAIN[3:]).encode()
    (drop / "salesforce").mkdir()
    bom_bytes = b"\xef\xbb\xbf" if bom else b""
    (drop / "salesforce" / "Lead.csv").write_bytes(bom_bytes + f"{LEAD_HEADER}\n".encode() + body)
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 20, 19, 1)]
    assert rows(con, "select LastName, count(*) from raw_salesforce.lead group by 1 having LastName = 'Martín'") == [
        ("Martín", 13),
    ]
    assert rows(con, "select line, column_name, reason from ingest.quarantine") == [(15, "LastName", NOT_UTF8)]


def test_a_windows_1252_file_with_accents_on_many_lines_is_still_read_as_windows_1252(con, drop, write):
    write("salesforce/Lead.csv", LEAD_HEADER + "\n" + "".join(MARTIN[:5]) + f"{lead_id(6)},Façade €,Open,{STAMP}\n",
          encoding="cp1252")
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "windows-1252", 6, 6, 0)]
    assert rows(con, "select LastName, count(*) from raw_salesforce.lead group by 1 order by 1") == [
        ("Façade €", 1), ("Martín", 5),
    ]


def test_a_nul_byte_in_a_value_quarantines_its_record(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n{lead_id(2)},B\x00b,Open,{STAMP}\n"
                                 f"{lead_id(3)},C,Open,{STAMP}\n")
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 3, 2, 1)]
    assert loaded_lines(con) == [(lead_id(1), 2), (lead_id(3), 4)]
    assert quarantined(con) == [(3, "LastName", "B\x00b", "NUL byte in the value (a damaged or binary export)")]


def test_a_file_of_unreadable_records_only_is_loaded_with_every_record_quarantined(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A\n{lead_id(2)},B,Open,{STAMP},x,y\n")
    report = load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 2, 0, 2)]
    assert [line for line, *_ in quarantined(con)] == [2, 3]
    assert report.results[0].status == "loaded"


def test_many_rows_with_broken_records_multi_line_values_and_blank_lines_keep_every_line(con, drop, write):
    # The oracle counts lines as it writes them: loaded records by id, set-aside records by line.
    parts, loaded, set_aside, line = [f"{LEAD_HEADER}\n"], {}, [], 2
    for i in range(9000):
        if i % 997 == 500:
            parts.append(f"{lead_id(i)},L{i},Open,{STAMP},extra\n")
            set_aside.append((line, MORE))
            line += 1
        elif i % 1499 == 1000:
            parts.append(f'{lead_id(i)},"L{i},Open,{STAMP}\n')
            set_aside.append((line, QUOTE))
            line += 1
        elif i % 700 == 0:
            parts.append(f'{lead_id(i)},"L{i}\nnext",Open,{STAMP}\n')
            loaded[lead_id(i)] = line
            line += 2
        else:
            parts.append(f"{lead_id(i)},L{i},Open,{STAMP}\n")
            loaded[lead_id(i)] = line
            line += 1
        if i % 1500 == 1499:
            parts.append("\n")
            line += 1
    write("salesforce/Lead.csv", "".join(parts))
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "loaded", "utf-8", 9000, len(loaded), len(set_aside))]
    assert dict(loaded_lines(con)) == loaded
    assert rows(con, "select line, reason from ingest.quarantine order by line") == set_aside


def test_a_view_export_with_one_bad_byte_is_still_recognised_by_its_utf8_header(con, drop):
    (drop / "hubspot").mkdir()
    (drop / "hubspot" / "hubspot-crm-exports-ytd-mqls-2026-01-15.csv").write_bytes(
        "ID de registro;Correo;Fecha de creación\n1;a@example.com;04/03/2026 10:15\n".encode()
        + b"2;b\xff@example.com;04/03/2026 10:15\n"
    )
    load_drop(con, drop)

    assert rows(con, "select object, status, encoding, rows_read, rows_loaded, rows_quarantined"
                     " from ingest.load_ledger") == [("contacts", "loaded", "utf-8", 2, 1, 1)]
    assert rows(con, "select line, column_name, reason from ingest.quarantine") == [(3, "email", NOT_UTF8)]
