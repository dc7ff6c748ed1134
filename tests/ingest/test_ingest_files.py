"""File-level behaviour: encodings, delimiters, line numbers, refusals, quarantine, duplicates, ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.contracts import contracts_for
from ingest.loader import ensure_warehouse, ledger_lines, load_drop, load_files

LEAD_HEADER = "Id,LastName,Status,CreatedDate"
CONTACT = next(c for c in contracts_for("salesforce") if c.object == "contact")
LEAD = next(c for c in contracts_for("salesforce") if c.object == "lead")


def lead_id(n: int) -> str:
    return f"00Q{n:015d}"


ONE_GOOD_ONE_BAD = f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n{lead_id(2)},B,Open,x\n"


def rows(con, sql, params=None):
    return con.execute(sql, params).fetchall()


def summary(report):
    return [(r.file, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.results]


def test_windows_1252_file_is_transcoded(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},Description\n{lead_id(1)},Müller,Open,2026-03-04T10:15:00.000Z,“Café” costs 5 €\n",
        encoding="cp1252",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 1, 1, 0)]
    assert rows(con, "select LastName, Description from raw_salesforce.lead") == [
        ("Müller", "“Café” costs 5 €"),
    ]
    assert rows(con, "select encoding from ingest.load_ledger") == [("windows-1252",)]


def test_utf8_bom_is_stripped_from_the_first_header(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},Öz,Open,2026-03-04T10:15:00.000Z\n", bom=True)
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 1, 1, 0)]
    assert rows(con, "select Id, LastName from raw_salesforce.lead") == [(lead_id(1), "Öz")]


@pytest.mark.parametrize("delimiter, name", [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_delimiters_are_detected_from_the_header(con, drop, write, delimiter, name):
    lines = [LEAD_HEADER.split(","), [lead_id(1), "Smith, Jr.", "Open", "2026-03-04T10:15:00.000Z"]]
    write("salesforce/Lead.csv", "".join(delimiter.join(cells) + "\n" for cells in lines))
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 1, 1, 0)]
    assert rows(con, "select LastName from raw_salesforce.lead") == [("Smith, Jr.",)]
    assert rows(con, "select delimiter from ingest.load_ledger") == [(name,)]


def test_quoted_newlines_and_delimiters_keep_true_line_numbers(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},Description\r\n"
        f'{lead_id(1)},"Smith, Jr.",Open,2026-03-04T10:15:00.000Z,"first line\r\nsecond line\r\nthird"\r\n'
        f"{lead_id(2)},Lee,Open,2026-03-04T10:15:00.000Z,plain\r\n"
        f'{lead_id(3)},Ng,Open,not a date,"two\nlines"\r\n'
        f"{lead_id(4)},Ode,Open,2026-03-04T10:15:00.000Z,\r\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 4, 3, 1)]
    assert rows(con, "select Id, LastName, Description, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), "Smith, Jr.", "first line\r\nsecond line\r\nthird", 2),
        (lead_id(2), "Lee", "plain", 5),
        (lead_id(4), "Ode", None, 8),
    ]
    assert rows(con, "select line, column_name, raw_value from ingest.quarantine") == [(6, "CreatedDate", "not a date")]


def test_newlines_in_custom_columns_of_a_file_without_bad_values_keep_true_line_numbers(con, drop, write):
    # Every value parses, so the newlines are counted in the loaded text, not by reading the file again.
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},Notes__c,Description\n"
        f'{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z,"one\ntwo\nthree",x\n'
        f'{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z,plain,"four\nfive"\n'
        f"{lead_id(3)},C,Open,2026-03-04T10:15:00.000Z,,\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 3, 3, 0)]
    assert rows(con, "select Id, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), 2), (lead_id(2), 5), (lead_id(3), 7),
    ]


def test_a_date_spanning_two_lines_and_a_blank_line_keep_true_line_numbers(con, drop, write):
    # strptime reads the date's trailing line break as whitespace, so the value parses and its
    # break is not in a text column: counting the text columns cannot match the file's lines.
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},ConvertedDate,Description\n"
        f'{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z,"2026-03-05\n",x\n'
        "\n"
        f"{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z,,y\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 2, 2, 0)]
    assert rows(con, "select Id, ConvertedDate, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), dt.date(2026, 3, 5), 2), (lead_id(2), None, 5),
    ]


def test_blank_lines_between_records_keep_true_line_numbers(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},Description\n"
        f"{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z,x\n"
        "\n"
        f'{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z,"para one\n\npara two"\n'
        "\n\n"
        f"{lead_id(3)},C,Open,2026-03-04T10:15:00.000Z,\n"
        "\n"
        f"{lead_id(4)},D,Open,yesterday,\n"
        f"{lead_id(5)},E,Open,2026-03-04T10:15:00.000Z,\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 5, 4, 1)]
    assert rows(con, "select Id, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), 2), (lead_id(2), 4), (lead_id(3), 9), (lead_id(5), 12),
    ]
    assert rows(con, "select line, column_name, raw_value from ingest.quarantine") == [(11, "CreatedDate", "yesterday")]


def test_trailing_blank_lines_and_no_final_newline(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n\n\n")
    write("salesforce/Lead_2.csv", f"{LEAD_HEADER}\n{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z")
    report = load_drop(con, drop)

    assert summary(report) == [
        ("salesforce/Lead.csv", "loaded", 1, 1, 0), ("salesforce/Lead_2.csv", "loaded", 1, 1, 0),
    ]
    assert rows(con, "select Id, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), 2), (lead_id(2), 2),
    ]


def test_missing_required_column_refuses_the_file_and_the_rest_still_loads(con, drop, write):
    write("salesforce/Lead.csv", f"Id,LastName,CreatedDate\n{lead_id(1)},A,2026-03-04T10:15:00.000Z\n")
    write("salesforce/Contact.csv", f"Id,LastName,CreatedDate\n003000000000000001,B,2026-03-04T10:15:00.000Z\n")
    report = load_drop(con, drop)

    assert summary(report) == [
        ("salesforce/Lead.csv", "refused", 0, 0, 0), ("salesforce/Contact.csv", "loaded", 1, 1, 0),
    ]
    message = report.results[0].message
    assert "salesforce/Lead.csv" in message and "missing required column(s) Status" in message
    assert rows(con, "select count(*) from raw_salesforce.lead") == [(0,)]
    assert rows(con, "select count(*) from raw_salesforce.contact") == [(1,)]
    assert "REFUSED" in report.summary and "Status" in report.summary


def test_bad_values_quarantine_the_whole_row_one_entry_per_bad_cell(con, drop, write):
    write(
        "salesforce/Lead.csv",
        "Id,LastName,Status,CreatedDate,NumberOfEmployees,IsConverted,ConvertedDate\n"
        f"{lead_id(1)},Good,Open,2026-03-04T10:15:00.000Z,10,false,\n"
        f"{lead_id(2)},BadDate,Open,2026-02-30T10:15:00.000Z,10,false,\n"
        f"{lead_id(3)},ThreeBad,Open,2026-03-04T10:15:00.000Z,ten,maybe,03/04/2026\n"
        f",NoKey,Open,2026-03-04T10:15:00.000Z,,,\n"
        f"00Q-bad,BadId,,2026-03-04T10:15:00.000Z,,,\n"
        f"{lead_id(6)},EmptyRequired,,2026-03-04T10:15:00.000Z,,,\n",
    )
    report = load_drop(con, drop, load_id="L")

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 6, 2, 4)]
    assert rows(con, "select Id, Status from raw_salesforce.lead order by Id") == [
        (lead_id(1), "Open"), (lead_id(6), None),
    ]
    assert rows(con, """
        select load_id, source, object, file, line, column_name, raw_value
        from ingest.quarantine order by line, column_name""") == [
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 3, "CreatedDate", "2026-02-30T10:15:00.000Z"),
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 4, "ConvertedDate", "03/04/2026"),
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 4, "IsConverted", "maybe"),
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 4, "NumberOfEmployees", "ten"),
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 5, "Id", None),
        ("L", "salesforce", "lead", "salesforce/Lead.csv", 6, "Id", "00Q-bad"),
    ]
    assert rows(con, "select reason from ingest.quarantine where line = 5") == [("missing primary key",)]
    assert rows(con, "select reason from ingest.quarantine where line = 3") == [
        ("invalid timestamp: expected salesforce timestamp like 2026-03-04T10:15:00.000Z",),
    ]


def test_same_content_twice_is_loaded_once_and_a_rerun_changes_nothing(con, drop, write):
    content = f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n"
    write("salesforce/Lead.csv", content)
    write("salesforce/Lead_1.csv", content)
    first = load_drop(con, drop, load_id="first")
    snapshot = rows(con, "select * from raw_salesforce.lead")

    assert summary(first) == [
        ("salesforce/Lead.csv", "loaded", 1, 1, 0), ("salesforce/Lead_1.csv", "skipped_duplicate", 0, 0, 0),
    ]
    assert "salesforce/Lead.csv" in first.results[1].message

    second = load_drop(con, drop, load_id="second")
    assert [r.status for r in second.results] == ["skipped_duplicate", "skipped_duplicate"]
    assert rows(con, "select * from raw_salesforce.lead") == snapshot
    assert rows(con, "select load_id, file, status from ingest.load_ledger order by file_order") == [
        ("first", "salesforce/Lead.csv", "loaded"),
        ("first", "salesforce/Lead_1.csv", "skipped_duplicate"),
        ("second", "salesforce/Lead.csv", "skipped_duplicate"),
        ("second", "salesforce/Lead_1.csv", "skipped_duplicate"),
    ]


def test_incremental_files_append_row_versions_with_increasing_file_order(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n")
    load_drop(con, drop)
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Working,2026-03-04T10:15:00.000Z\n")
    load_drop(con, drop)

    assert rows(con, "select Id, Status, _file_order, _source_line from raw_salesforce.lead order by _file_order") == [
        (lead_id(1), "Open", 1, 2), (lead_id(1), "Working", 2, 2),
    ]


def test_empty_and_header_only_files(con, drop, write):
    write("salesforce/Lead.csv", "")
    write("salesforce/Contact.csv", "Id,LastName,CreatedDate\r\n")
    report = load_drop(con, drop)

    assert summary(report) == [
        ("salesforce/Lead.csv", "empty", 0, 0, 0), ("salesforce/Contact.csv", "empty", 0, 0, 0),
    ]
    assert rows(con, "select status, rows_read from ingest.load_ledger order by file_order") == [
        ("empty", 0), ("empty", 0),
    ]


def test_unknown_columns_are_kept_as_text_and_later_files_may_omit_them(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},Disqualification_Reason__c,  Region   Code ,status\n"
        f"{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z,Budget,EMEA,dup\n",
    )
    write("salesforce/Lead_2.csv", f"{LEAD_HEADER}\n{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z\n")
    load_drop(con, drop)

    assert rows(con, """
        select Id, Status, Disqualification_Reason__c, "Region Code", status_2
        from raw_salesforce.lead order by Id""") == [
        (lead_id(1), "Open", "Budget", "EMEA", "dup"), (lead_id(2), "Open", None, None, None),
    ]


def test_hostile_header_names_are_data_not_sql(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f'{LEAD_HEADER},"x""); drop table raw_salesforce.lead; --",_source_line\n'
        f"{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z,evil,7\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 1, 1, 0)]
    assert rows(con, 'select "x""); drop table raw_salesforce.lead; --", _source_line, _source_line_2 '
                     "from raw_salesforce.lead") == [("evil", 2, "7")]


def test_file_names_with_glob_characters_are_read_literally(con, drop, write):
    write("salesforce/Lead_1[a].csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n")
    write("salesforce/Lead_2*.csv", f"{LEAD_HEADER}\n{lead_id(2)},B,Open,2026-03-04T10:15:00.000Z\n")
    report = load_drop(con, drop)

    assert summary(report) == [
        ("salesforce/Lead_1[a].csv", "loaded", 1, 1, 0), ("salesforce/Lead_2*.csv", "loaded", 1, 1, 0),
    ]
    assert rows(con, "select _source_file, Id from raw_salesforce.lead order by Id") == [
        ("salesforce/Lead_1[a].csv", lead_id(1)), ("salesforce/Lead_2*.csv", lead_id(2)),
    ]


def test_a_record_with_more_values_than_the_header_is_quarantined_and_the_rest_loads(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n{lead_id(2)},B,Open,2026-03-04,extra\n"
        f"{lead_id(3)},C,Open,2026-03-04T10:15:00.000Z\n",
    )
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 3, 2, 1)]
    assert report.results[0].message == "1 x record: unreadable record: more values than the header has columns"
    assert rows(con, "select Id, _source_line from raw_salesforce.lead order by Id") == [(lead_id(1), 2), (lead_id(3), 4)]
    assert rows(con, "select file, line, column_name, raw_value, reason from ingest.quarantine") == [
        ("salesforce/Lead.csv", 3, "", f"{lead_id(2)},B,Open,2026-03-04,extra",
         "unreadable record: more values than the header has columns"),
    ]


def test_ledger_rows_read_is_loaded_plus_quarantined(con, drop, write):
    write("salesforce/Lead.csv", ONE_GOOD_ONE_BAD)
    write("salesforce/Contact.csv", "Id,LastName\n003000000000000001,B\n")
    write("salesforce/Account.csv", "")
    write("salesforce/Lead (1).csv", ONE_GOOD_ONE_BAD)
    load_drop(con, drop)

    ledger = rows(con, "select status, rows_read, rows_loaded, rows_quarantined, file_order from ingest.load_ledger")
    assert sorted(ledger, key=lambda r: r[4]) == [
        ("loaded", 2, 1, 1, 1), ("skipped_duplicate", 0, 0, 0, 2), ("refused", 0, 0, 0, 3), ("empty", 0, 0, 0, 4),
    ]
    assert all(read == loaded + quarantined for _, read, loaded, quarantined, _ in ledger)
    assert rows(con, "select count(*) from ingest.quarantine") == [(1,)]


def test_load_files_is_usable_per_contract_and_keeps_the_connection_settings(con, drop, write):
    path = write("salesforce/Contact.csv", "Id,LastName,CreatedDate\n003000000000000001,B,2026-03-04T10:15:00.000Z\n")
    ensure_warehouse(con)
    con.execute("set preserve_insertion_order = false")
    (result,) = load_files(con, CONTACT, [path], drop, "run-1")

    assert (result.file, result.object, result.status, result.rows_loaded) == (
        "salesforce/Contact.csv", "contact", "loaded", 1,
    )
    assert len(result.content_hash) == 64
    assert rows(con, "select current_setting('preserve_insertion_order')") == [(False,)]
    assert rows(con, "select _loaded_at <= now()::timestamp, _load_id from raw_salesforce.contact") == [(True, "run-1")]


def test_loaded_at_is_utc(con, drop, write):
    write("salesforce/Contact.csv", "Id,LastName,CreatedDate\n003000000000000001,B,2026-03-04T10:15:00.000Z\n")
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    load_drop(con, drop)
    after = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

    ((loaded_at,),) = rows(con, "select _loaded_at from raw_salesforce.contact")
    assert before <= loaded_at <= after


def test_many_rows_keep_file_order_and_line_numbers(con, drop, write):
    # Large enough for DuckDB to read the file in parallel; every 97th record spans two lines.
    count = 120_000
    body = "".join(
        f'{lead_id(i)},"L{i}\nnext",Open,2026-03-04T10:15:00.000Z\n' if i % 97 == 0
        else f"{lead_id(i)},L{i},Open,2026-03-04T10:15:00.000Z\n"
        for i in range(count)
    )
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{body}")
    load_drop(con, drop)

    expected = {i: 2 + i + (i + 96) // 97 for i in range(count)}
    actual = dict(rows(con, "select cast(substr(Id, 4) as bigint), _source_line from raw_salesforce.lead"))
    assert len(actual) == count
    assert actual == expected


def test_windows_1252_bytes_far_beyond_the_header_switch_the_whole_file(con, drop, write):
    filler = "".join(f"{lead_id(i)},Row{i},Open,2026-03-04T10:15:00.000Z\n" for i in range(1, 8001))
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{filler}{lead_id(9999)},Façade,Open,2026-03-04T10:15:00.000Z\n",
          encoding="cp1252")
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "loaded", 8001, 8001, 0)]
    assert rows(con, "select LastName, _source_line from raw_salesforce.lead where Id = ?", [lead_id(9999)]) == [
        ("Façade", 8002),
    ]


def test_utf16_files_are_refused_with_the_reason(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-03-04T10:15:00.000Z\n", encoding="utf-16")
    report = load_drop(con, drop)

    assert summary(report) == [("salesforce/Lead.csv", "refused", 0, 0, 0)]
    assert "UTF-16" in report.results[0].message


def test_the_same_label_twice_keeps_the_second_copy_as_its_own_column(con, drop, write):
    # "Email" is the recipient; a second "Email" column is not the email sent ("Email name").
    write(
        "hubspot/hubspot-marketing-email-events.csv",
        "Event ID,Email,Email,Event type,Created,Email name\n"
        "e1,ana@acme.com,ana@old.example,OPEN,2026-03-04 10:15,Spring newsletter\n",
    )
    load_drop(con, drop)

    assert rows(con, 'select event_id, recipient, "Email", email_campaign, event_type, occurred_at '
                     "from raw_hubspot.email_events") == [
        ("e1", "ana@acme.com", "ana@old.example", "Spring newsletter", "OPEN", dt.datetime(2026, 3, 4, 10, 15)),
    ]


def test_ledger_lines_describe_one_load(con, drop, write):
    write("salesforce/Lead.csv", ONE_GOOD_ONE_BAD)
    write("salesforce/Contact.csv", "Id,LastName\n003000000000000001,B\n")
    load_drop(con, drop, load_id="L1")

    assert ledger_lines(con, "L1") == [
        "salesforce/Lead.csv -> raw_salesforce.lead: 2 rows read, 1 loaded, 1 quarantined "
        "(1 x CreatedDate: invalid timestamp: expected salesforce timestamp like 2026-03-04T10:15:00.000Z)",
        "salesforce/Contact.csv -> raw_salesforce.contact: REFUSED: salesforce/Contact.csv: missing required "
        "column(s) CreatedDate (header on line 1: Id, LastName)",
    ]
    assert ledger_lines(con, "other") == []


def test_ledger_lines_on_a_warehouse_without_a_ledger(tmp_path):
    import duckdb

    with duckdb.connect(str(tmp_path / "empty.duckdb")) as fresh:
        assert ledger_lines(fresh, "L1") == []


def test_many_rows_with_blank_lines_and_multi_line_records_across_buckets(con, drop, write):
    parts, expected, line = [f"{LEAD_HEADER}\n"], {}, 2
    for i in range(9000):
        expected[i] = line
        if i % 700 == 0:
            parts.append(f'{lead_id(i)},"L{i}\nnext",Open,2026-03-04T10:15:00.000Z\n')
            line += 2
        else:
            parts.append(f"{lead_id(i)},L{i},Open,2026-03-04T10:15:00.000Z\n")
            line += 1
        if i % 1500 == 1499:
            parts.append("\n")
            line += 1
    write("salesforce/Lead.csv", "".join(parts))
    load_drop(con, drop)

    actual = dict(rows(con, "select cast(substr(Id, 4) as bigint), _source_line from raw_salesforce.lead"))
    assert actual == expected


@pytest.mark.parametrize("tail, encoding", [("é".encode(), "utf-8"), (b"\xc3", "windows-1252")])
def test_a_character_split_across_read_chunks_decides_the_encoding(tmp_path, tail, encoding):
    from ingest.files import CHUNK_BYTES, scan_file

    header = f"{LEAD_HEADER}\n".encode()
    filler = b"x" * (CHUNK_BYTES - len(header) - 1)  # the tail's first byte is the chunk's last
    path = tmp_path / "Lead.csv"
    path.write_bytes(header + filler + tail + b"\nmore ascii\n")
    scan = scan_file(path)

    assert (scan.encoding, scan.physical_lines) == (encoding, 3)
