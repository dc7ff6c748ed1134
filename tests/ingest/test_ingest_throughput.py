"""Throughput against plain read_csv on a large Salesforce Lead export (opt-in: it takes a minute).

    SMARKETING_THROUGHPUT_ROWS=1000000 .venv/bin/python -m pytest tests/ingest/test_ingest_throughput.py -s

The loader validates and types every value, keeps lineage and line numbers, and must stay at
half or more of the throughput of DuckDB loading the same file into a table with plain read_csv.
"""

from __future__ import annotations

import os
import time

import duckdb
import pytest

from ingest.contracts import contracts_for
from ingest.loader import ensure_warehouse, load_files

ROWS = int(os.environ.get("SMARKETING_THROUGHPUT_ROWS", "0"))

pytestmark = pytest.mark.skipif(ROWS == 0, reason="set SMARKETING_THROUGHPUT_ROWS to measure throughput")


def write_leads(path, rows: int) -> None:
    """A Lead export like Salesforce's Data Export, written by DuckDB itself (every 1000th record spans two lines)."""
    ts = "strftime(timestamp '2026-01-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%S.000Z')"
    with duckdb.connect() as con:
        con.execute(f"""copy (select
            '00Q' || lpad(i::varchar, 15, '0') as Id, 'First' || i as FirstName, 'Last' || i as LastName,
            'p' || i || '@example.com' as Email, '+1 555 ' || (i % 10000) as Phone, 'Company ' || (i % 5000) as Company,
            case when i % 1000 = 0 then 'Head of' || chr(10) || 'Growth' else 'Title' end as Title,
            'US' as Country, 'Software' as Industry, (i % 500)::varchar as NumberOfEmployees, 'Web' as LeadSource,
            case when i % 3 = 0 then 'Open' else 'Working' end as Status, 'Hot' as Rating,
            '005000000000001AAA' as OwnerId, case when i % 7 = 0 then 'true' else 'false' end as IsConverted,
            case when i % 7 = 0 then '2026-03-05' else '' end as ConvertedDate, '' as ConvertedContactId,
            '' as ConvertedAccountId, '' as ConvertedOpportunityId, {ts} as CreatedDate, {ts} as LastModifiedDate,
            'false' as IsDeleted, {ts} as SystemModstamp,
            case when i % 11 = 0 then 'Budget, timing' else '' end as Disqualification_Reason__c
            from range({rows}) t(i)) to '{path}' (header true)""")


def test_loader_keeps_half_of_plain_read_csv_throughput(tmp_path):
    drop = tmp_path / "exports"
    export = drop / "salesforce" / "Lead.csv"
    export.parent.mkdir(parents=True)
    write_leads(export, ROWS)
    lead = next(c for c in contracts_for("salesforce") if c.object == "lead")

    with duckdb.connect(str(tmp_path / "plain.duckdb")) as con:
        started = time.perf_counter()
        con.execute("create table lead as select * from read_csv(?)", [str(export)])
        con.execute("checkpoint")
        plain = time.perf_counter() - started

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ensure_warehouse(con)
        started = time.perf_counter()
        (result,) = load_files(con, lead, [export], drop, "throughput")
        con.execute("checkpoint")
        loader = time.perf_counter() - started

    size_mb = export.stat().st_size / 1e6
    print(f"\n{ROWS:,} rows, {size_mb:.0f} MB: read_csv {plain:.2f} s ({ROWS / plain:,.0f} rows/s), "
          f"loader {loader:.2f} s ({ROWS / loader:,.0f} rows/s), ratio {plain / loader:.2f}")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", ROWS, 0)
    assert plain / loader >= 0.5
