"""Real-export robustness: odd headers, time zones, day/month order, incremental files, report totals,
Meta's currency in a header, Marketo's literal nulls. Every expected value is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ingest.loader import ensure_warehouse, load_drop

T = dt.datetime
D = dt.date
LEAD_HEADER = "Id,LastName,Status,CreatedDate"
STAMP = "2026-03-04T10:15:00.000Z"
SF_TIMESTAMP = "invalid timestamp: expected salesforce timestamp like 2026-03-04T10:15:00.000Z"
GROUPED_DECIMAL = "invalid decimal: expected digits with '.' as decimal mark, ',' between thousands allowed"


def lead_id(n: int) -> str:
    return f"00Q{n:015d}"


def rows(con, sql, params=None):
    return con.execute(sql, params).fetchall()


def ledger(con):
    return rows(con, "select file, status, rows_read, rows_loaded, rows_quarantined, message "
                     "from ingest.load_ledger order by file_order")


def columns(con, schema, table):
    return [name for (name,) in rows(con, "select column_name from information_schema.columns where table_schema = ? "
                                          "and table_name = ? order by ordinal_position", [schema, table])]


# ------------------------------------------------------------------------------------------ headers


def test_trailing_empty_columns_without_labels_or_values_are_ignored(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},,\n"
        f"{lead_id(1)},A,Open,{STAMP},,\n"
        f"{lead_id(2)},B,Open,{STAMP},,\n"
        f"{lead_id(3)},C,Open,bad,,\n",
    )
    load_drop(con, drop)

    assert ledger(con) == [(
        "salesforce/Lead.csv", "loaded", 3, 2, 1,
        f"2 column(s) without a header label or a value ignored (position 5, 6); 1 x CreatedDate: {SF_TIMESTAMP}",
    )]
    assert rows(con, "select Id, LastName, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), "A", 2), (lead_id(2), "B", 3),
    ]
    assert not {"column_5", "column_6"} & set(columns(con, "raw_salesforce", "lead"))
    assert rows(con, "select line, column_name, raw_value from ingest.quarantine") == [(4, "CreatedDate", "bad")]


def test_a_column_without_a_label_that_holds_a_value_is_kept(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},,\n"
        f"{lead_id(1)},A,Open,{STAMP},,\n"
        f"{lead_id(2)},B,Open,{STAMP},,see notes\n",
    )
    load_drop(con, drop)

    assert ledger(con) == [(
        "salesforce/Lead.csv", "loaded", 2, 2, 0, "1 column(s) without a header label or a value ignored (position 5)",
    )]
    assert rows(con, "select Id, column_6 from raw_salesforce.lead order by Id") == [
        (lead_id(1), None), (lead_id(2), "see notes"),
    ]
    assert "column_5" not in columns(con, "raw_salesforce", "lead")


def test_empty_fields_beyond_the_header_load_and_a_value_beyond_it_quarantines_the_record(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP},,\n{lead_id(2)},B,Open,{STAMP}\n")
    write(
        "salesforce/Contact.csv",
        "Id,LastName,CreatedDate\n003000000000000001,A,2026-03-04T10:15:00.000Z,,lost?\n",
    )
    report = load_drop(con, drop)

    assert [(r.file, r.status, r.rows_read, r.rows_loaded) for r in report.results] == [
        ("salesforce/Lead.csv", "loaded", 2, 2), ("salesforce/Contact.csv", "loaded", 1, 0),
    ]
    assert rows(con, "select Id, _source_line from raw_salesforce.lead order by Id") == [
        (lead_id(1), 2), (lead_id(2), 3),
    ]
    assert rows(con, "select file, line, column_name, reason from ingest.quarantine") == [
        ("salesforce/Contact.csv", 2, "", "unreadable record: more values than the header has columns"),
    ]


def test_duplicate_header_names_keep_every_copy(con, drop, write):
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER},LastName,STATUS\n{lead_id(1)},Smith,Open,{STAMP},Smyth,Working\n",
    )
    load_drop(con, drop)

    assert rows(con, 'select LastName, Status, LastName_2, "STATUS_2" from raw_salesforce.lead') == [
        ("Smith", "Open", "Smyth", "Working"),
    ]


def test_alias_order_decides_between_labels_and_association_names_stay_text(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv",
        "Record ID,Deal Name,Deal Stage,Create Date,Associated Company IDs (Primary),Associated Company IDs,"
        "Associated Company,Associated Contact IDs,Associated Contact\n"
        '9001,Acme,closedwon,2026-03-01 09:00,5001,5001;5002,Acme Corp;Acme GmbH,101;102,"Ana García;Bo Li"\n',
    )
    load_drop(con, drop)

    assert rows(con, """
        select associated_company_ids, "Associated Company IDs (Primary)", "Associated Company",
               associated_contact_ids, "Associated Contact"
        from raw_hubspot.deals""") == [("5001;5002", "5001", "Acme Corp;Acme GmbH", "101;102", "Ana García;Bo Li")]


def test_header_case_and_whitespace_variations(con, drop, write):
    write("salesforce/Lead.csv", f" ID ,LASTNAME,status ,  createddate\n{lead_id(1)},A,Open,{STAMP}\n")
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record\u00a0ID,first name,  Create   Date ,LIFECYCLE STAGE\n101,Ana,2026-03-04 10:15,lead\n",
    )
    report = load_drop(con, drop)

    assert [(r.file, r.status, r.rows_loaded) for r in report.results] == [
        ("salesforce/Lead.csv", "loaded", 1), ("hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv", "loaded", 1),
    ]
    assert rows(con, "select Id, LastName, Status, CreatedDate from raw_salesforce.lead") == [
        (lead_id(1), "A", "Open", T(2026, 3, 4, 10, 15)),
    ]
    assert rows(con, "select hs_object_id, firstname, createdate, lifecyclestage from raw_hubspot.contacts") == [
        ("101", "Ana", T(2026, 3, 4, 10, 15), "lead"),
    ]
    assert len(columns(con, "raw_salesforce", "lead")) == 28  # 23 contract columns + 5 lineage, nothing custom


# --------------------------------------------------------------------------------- HubSpot labels


def test_hubspot_traffic_source_labels_owner_names_and_is_deal_closed(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record ID,Create Date,Original Traffic Source,Original Traffic Source Drill-Down 1,"
        "Original Traffic Source Drill-Down 2,Contact owner\n"
        "1,2026-03-04 10:15,ORGANIC_SEARCH,google,brand,Sam Sales\n"
        "2,2026-03-04 10:15,PAID_SOCIAL,linkedin,,María José de la Cruz\n",
    )
    write(
        "hubspot/hubspot-crm-exports-all-companies-2026-11-01.csv",
        "Record ID,Company name,Create Date,Company owner\n5001,Acme,2026-03-01 09:00,Sam Sales\n",
    )
    write(
        "hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv",
        "Record ID,Deal Name,Deal Stage,Create Date,Is Deal Closed?,Deal owner\n"
        "9001,Acme,Closed Won,2026-03-01 09:00,true,Sam Sales\n",
    )
    report = load_drop(con, drop)

    assert [(r.object, r.rows_read, r.rows_loaded) for r in report.results] == [
        ("contacts", 2, 2), ("companies", 1, 1), ("deals", 1, 1),
    ]
    assert rows(con, """
        select hs_object_id, hs_analytics_source, hs_analytics_source_data_1, hs_analytics_source_data_2,
               hubspot_owner_id
        from raw_hubspot.contacts order by hs_object_id""") == [
        ("1", "ORGANIC_SEARCH", "google", "brand", "Sam Sales"),
        ("2", "PAID_SOCIAL", "linkedin", None, "María José de la Cruz"),
    ]
    assert rows(con, "select hubspot_owner_id from raw_hubspot.companies") == [("Sam Sales",)]
    assert rows(con, "select dealstage, hs_is_closed, hubspot_owner_id from raw_hubspot.deals") == [
        ("Closed Won", True, "Sam Sales"),
    ]


# ----------------------------------------------------------------------------- time zones and dates


def test_timestamps_with_and_without_zone_under_a_source_timezone(con, drop, write):
    write("hubspot/_source.yml", "timezone: Europe/Madrid\n")
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record ID,Create Date,Last Modified Date\n"
        "1,2026-07-01 10:00,2026-07-01T10:00:00Z\n"            # summer, +02:00 | explicit UTC
        "2,2026-01-15 10:00:30,2026-01-15T10:00:00.000+0530\n"  # winter, +01:00 | explicit offset
        "3,2026-03-29 02:30,2026-10-25 02:30\n"                 # skipped hour | repeated hour
        "4,2026-07-01,07/01/2026\n",                            # a date alone is midnight UTC | not HubSpot's
    )
    write(
        "hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv",
        "Record ID,Deal Stage,Create Date,Close Date\n9001,closedwon,2026-03-01 09:00,2026-03-20\n",
    )
    load_drop(con, drop)

    assert rows(con, "select hs_object_id, createdate, lastmodifieddate from raw_hubspot.contacts order by 1") == [
        ("1", T(2026, 7, 1, 8, 0), T(2026, 7, 1, 10, 0)),
        ("2", T(2026, 1, 15, 9, 0, 30), T(2026, 1, 15, 4, 30)),
        # 02:30 does not exist on 29 March (clocks jump 02:00 -> 03:00): read with the winter offset.
        # 02:30 happens twice on 25 October: read as the second, winter-time occurrence.
        ("3", T(2026, 3, 29, 1, 30), T(2026, 10, 25, 1, 30)),
    ]
    assert rows(con, "select closedate, createdate from raw_hubspot.deals") == [
        (T(2026, 3, 20, 0, 0), T(2026, 3, 1, 8, 0)),
    ]
    zone_note = "timestamps without a zone read as Europe/Madrid time"
    assert ledger(con) == [
        ("hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv", "loaded", 4, 3, 1,
         f"{zone_note}; 1 x lastmodifieddate: invalid timestamp: expected hubspot timestamp like 2026-03-04 10:15 "
         "(Europe/Madrid time)"),
        ("hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv", "loaded", 1, 1, 0, zone_note),
    ]
    assert rows(con, "select line, column_name, raw_value from ingest.quarantine") == [
        (5, "lastmodifieddate", "07/01/2026"),
    ]


def test_without_settings_hubspot_wall_clock_is_utc_and_salesforce_never_takes_a_zone(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record ID,Create Date\n1,2026-07-01 10:00\n",
    )
    write("salesforce/_source.yml", "timezone: America/New_York\n")
    write(
        "salesforce/Lead.csv",
        f"{LEAD_HEADER}\n{lead_id(1)},A,Open,2026-07-01T10:00:00.000Z\n{lead_id(2)},B,Open,2026-07-01T10:00:00\n",
    )
    load_drop(con, drop)

    assert rows(con, "select createdate from raw_hubspot.contacts") == [(T(2026, 7, 1, 10, 0),)]
    assert rows(con, "select Id, CreatedDate from raw_salesforce.lead") == [(lead_id(1), T(2026, 7, 1, 10, 0))]
    assert ledger(con) == [
        ("salesforce/Lead.csv", "loaded", 2, 1, 1, f"1 x CreatedDate: {SF_TIMESTAMP}"),
        ("hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv", "loaded", 1, 1, 0, ""),
    ]


def test_day_month_order_is_decided_by_source_and_header_language(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-todos-los-negocios.csv",
        "ID de registro;Nombre del negocio;Etapa del negocio;Fecha de creación;Fecha de cierre\n"
        "1;A;closedwon;04/03/2026 10:15;04/03/2026\n"
        "2;B;closedwon;13/04/2026 09:00;13/04/2026\n",
    )
    write(
        "spend/linkedin_campaign_performance.csv",
        "Start Date (in UTC),Campaign Name,Campaign ID,Currency,Total Spent\n"
        "04/03/2026,LI,222,USD,1.00\n"
        "13/04/2026,LI,222,USD,2.00\n",
    )
    write(
        "spend/google_ads_report.csv",
        "Day,Campaign,Campaign ID,Currency code,Cost\n2026-03-04,G,111,EUR,1.00\n04/03/2026,G,111,EUR,2.00\n",
    )
    load_drop(con, drop)

    assert rows(con, "select hs_object_id, createdate, closedate from raw_hubspot.deals order by 1") == [
        ("1", T(2026, 3, 4, 10, 15), T(2026, 3, 4)), ("2", T(2026, 4, 13, 9, 0), T(2026, 4, 13)),
    ]
    assert rows(con, "select start_date, total_spent from raw_spend.linkedin_ads") == [
        (D(2026, 4, 3), Decimal("1.000000")),
    ]
    assert rows(con, "select day, cost from raw_spend.google_ads") == [(D(2026, 3, 4), Decimal("1.000000"))]
    assert rows(con, "select object, line, column_name, raw_value, reason from ingest.quarantine order by 1") == [
        ("google_ads", 3, "day", "04/03/2026", "invalid date: expected google ads date like 2026-03-04"),
        ("linkedin_ads", 3, "start_date", "13/04/2026", "invalid date: expected linkedin ads date like 3/4/2026"),
    ]


# ------------------------------------------------------------------------------ several files


def test_full_and_incremental_files_keep_every_version_in_file_order(con, drop, write):
    header = f"{LEAD_HEADER},SystemModstamp"
    write(
        "salesforce/Lead.csv",
        f"{header}\n"
        f"{lead_id(1)},A,Open,{STAMP},2026-03-04T10:15:00.000Z\n"
        f"{lead_id(2)},B,Open,{STAMP},2026-03-04T10:15:00.000Z\n"
        f"{lead_id(3)},C,Open,{STAMP},2026-03-04T10:15:00.000Z\n",
    )
    write("salesforce/Lead_1.csv", f"{header}\n{lead_id(2)},B,Working,{STAMP},2026-03-05T09:00:00.000Z\n")
    write(
        "salesforce/Lead_2.csv",
        f"{header}\n"
        f"{lead_id(2)},B,Qualified,{STAMP},2026-03-06T09:00:00.000Z\n"
        f"{lead_id(4)},D,Open,{STAMP},2026-03-06T09:30:00.000Z\n",
    )
    report = load_drop(con, drop)

    assert [(r.file, r.file_order, r.rows_loaded) for r in report.results] == [
        ("salesforce/Lead.csv", 1, 3), ("salesforce/Lead_1.csv", 2, 1), ("salesforce/Lead_2.csv", 3, 2),
    ]
    assert rows(con, """
        select Id, Status, SystemModstamp, _source_file, _source_line, _file_order
        from raw_salesforce.lead order by _file_order, _source_line""") == [
        (lead_id(1), "Open", T(2026, 3, 4, 10, 15), "salesforce/Lead.csv", 2, 1),
        (lead_id(2), "Open", T(2026, 3, 4, 10, 15), "salesforce/Lead.csv", 3, 1),
        (lead_id(3), "Open", T(2026, 3, 4, 10, 15), "salesforce/Lead.csv", 4, 1),
        (lead_id(2), "Working", T(2026, 3, 5, 9, 0), "salesforce/Lead_1.csv", 2, 2),
        (lead_id(2), "Qualified", T(2026, 3, 6, 9, 0), "salesforce/Lead_2.csv", 2, 3),
        (lead_id(4), "Open", T(2026, 3, 6, 9, 30), "salesforce/Lead_2.csv", 3, 3),
    ]


def test_a_browser_copy_loads_after_the_export_it_copies(con, drop, write):
    write("salesforce/Lead (1).csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Working,{STAMP}\n")
    write("salesforce/Lead.csv", f"{LEAD_HEADER}\n{lead_id(1)},A,Open,{STAMP}\n")
    load_drop(con, drop)

    assert rows(con, "select Status, _source_file, _file_order from raw_salesforce.lead order by _file_order") == [
        ("Open", "salesforce/Lead.csv", 1), ("Working", "salesforce/Lead (1).csv", 2),
    ]


# ------------------------------------------------------------------------------ report totals


def test_google_ads_total_rows_are_not_records(con, drop, write):
    write(
        "spend/google_ads_campaign_report.csv",
        "Campaign report\n"
        '"March 1, 2026 - March 2, 2026"\n'
        "Campaign status,Campaign,Campaign ID,Day,Currency code,Cost,Clicks,Impr.\n"
        'Enabled,Brand,111,2026-03-01,EUR,"1,234.50","1,020","10,400"\n'
        "Enabled,Brand,111,2026-03-02,EUR,12.00,--,--\n"
        "Enabled,Generic,112,2026-03-02,EUR,abc,1,10\n"
        'Total: Campaigns,,,,EUR,"1,246.50","1,021","10,410"\n'
        'Total: Account,--,--,--,EUR,"1,246.50","1,021","10,410"\n',
    )
    load_drop(con, drop)

    assert ledger(con) == [(
        "spend/google_ads_campaign_report.csv", "loaded", 3, 2, 1,
        "2 summary row(s) skipped, not records (line 7 'Total: Campaigns', line 8 'Total: Account'); "
        f"1 x cost: {GROUPED_DECIMAL}",
    )]
    assert rows(con, """
        select "Campaign status", campaign, campaign_id, day, cost, clicks, impressions, _source_line
        from raw_spend.google_ads order by _source_line""") == [
        ("Enabled", "Brand", "111", D(2026, 3, 1), Decimal("1234.500000"), 1020, 10400, 4),
        ("Enabled", "Brand", "111", D(2026, 3, 2), Decimal("12.000000"), None, None, 5),
    ]
    assert rows(con, "select line, column_name, raw_value from ingest.quarantine") == [(6, "cost", "abc")]


def test_linkedin_total_row_is_not_a_record_and_a_campaign_named_total_is(con, drop, write):
    write(
        "spend/linkedin_campaign_performance_report.csv",
        "Campaign Performance Report (in UTC)\n"
        "Report Start: 09/01/2026, Report End: 09/02/2026\n"
        "\n"
        "Start Date (in UTC),Account Name,Campaign Name,Campaign ID,Currency,Total Spent,Impressions,Clicks\n"
        "9/1/2026,Smarketing,LI Brand,222,USD,99.90,1500,12\n"
        '9/2/2026,Smarketing,Total: Brand,223,USD,"1,005.00",15000,120\n'
        'Total,,,,USD,"1,104.90",16500,132\n',
    )
    load_drop(con, drop)

    assert ledger(con) == [(
        "spend/linkedin_campaign_performance_report.csv", "loaded", 2, 2, 0,
        "1 summary row(s) skipped, not records (line 7 'Total')",
    )]
    assert rows(con, "select start_date, campaign_name, total_spent, _source_line from raw_spend.linkedin_ads "
                     "order by 1") == [
        (D(2026, 9, 1), "LI Brand", Decimal("99.900000"), 5),
        (D(2026, 9, 2), "Total: Brand", Decimal("1005.000000"), 6),
    ]
    assert rows(con, "select count(*) from ingest.quarantine") == [(0,)]


def test_a_report_of_totals_only_is_empty(con, drop, write):
    write(
        "spend/google_ads_campaign_report.csv",
        "Day,Campaign,Campaign ID,Currency code,Cost\nTotal: Account,--,--,EUR,0.00\n",
    )
    load_drop(con, drop)

    assert ledger(con) == [(
        "spend/google_ads_campaign_report.csv", "empty", 0, 0, 0,
        "no data rows; 1 summary row(s) skipped, not records (line 2 'Total: Account')",
    )]


# ------------------------------------------------------------------------------ Meta currency


def test_meta_currency_comes_from_the_spend_header(con, drop, write):
    write(
        "spend/meta_ads_export.csv",
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR),Clicks (all),Impressions,"
        "Link clicks\n"
        "2026-03-01,2026-03-01,Meta Retargeting,333,45.10,30,2000,12\n"
        '2026-03-02,2026-03-02,Meta Retargeting,333,"1,045.10",31,2100,13\n',
        bom=True,
    )
    write(
        "spend/meta_ads_usd.csv",
        "Reporting starts,Campaign name,Campaign ID,Currency,Amount spent (USD)\n2026-03-01,Meta US,334,GBP,1.00\n",
    )
    write(
        "spend/facebook_ads.csv",
        "Reporting starts,Campaign name,Campaign ID,Amount spent\n2026-03-01,Meta X,335,1.00\n",
    )
    load_drop(con, drop)

    assert ledger(con) == [
        ("spend/facebook_ads.csv", "refused", 0, 0, 0,
         "spend/facebook_ads.csv: missing required column(s) currency (header on line 1: Reporting starts, "
         "Campaign name, Campaign ID, Amount spent)"),
        ("spend/meta_ads_export.csv", "loaded", 2, 2, 0, "currency EUR taken from the header 'Amount spent (EUR)'"),
        ("spend/meta_ads_usd.csv", "loaded", 1, 1, 0, ""),
    ]
    assert rows(con, """
        select day, reporting_ends, campaign_id, currency, amount_spent, clicks, impressions, "Link clicks"
        from raw_spend.meta_ads order by _file_order, _source_line""") == [
        (D(2026, 3, 1), D(2026, 3, 1), "333", "EUR", Decimal("45.100000"), 30, 2000, "12"),
        (D(2026, 3, 2), D(2026, 3, 2), "333", "EUR", Decimal("1045.100000"), 31, 2100, "13"),
        (D(2026, 3, 1), None, "334", "GBP", Decimal("1.000000"), None, None, None),
    ]


def test_a_warehouse_from_an_earlier_contract_gains_the_new_columns(con, drop, write):
    con.execute("create schema raw_spend")
    con.execute("create table raw_spend.meta_ads (day date, campaign_name varchar, campaign_id varchar, "
                "currency varchar, amount_spent decimal(18, 6), clicks bigint, impressions bigint, "
                "_source_file varchar, _source_line bigint, _file_order bigint, _load_id varchar, "
                "_loaded_at timestamp)")
    ensure_warehouse(con)
    write(
        "spend/meta_ads_export.csv",
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR)\n"
        "2026-03-01,2026-03-31,Meta,333,45.10\n",
    )
    load_drop(con, drop)

    assert columns(con, "raw_spend", "meta_ads")[-1] == "reporting_ends"
    assert rows(con, "select day, reporting_ends, currency from raw_spend.meta_ads") == [
        (D(2026, 3, 1), D(2026, 3, 31), "EUR"),
    ]


# ------------------------------------------------------------------------------ Marketo


def test_marketo_literal_null_is_empty_and_program_dates_with_z_and_offset_load(con, drop, write):
    write(
        "marketo/activities.csv",
        "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,"
        "attributes,customField\n"
        '783957693,5414087,2022-02-13T14:06:20Z,104,8497,1670,MembershipTest1,"{""Reason"":""Changed""}",null\n'
        "783957694,5414087,2013-09-26T06:56:35+0000,1,null,null,null,null,x\n"
        "null,5414088,2022-02-13T14:06:20Z,104,null,null,null,null,null\n"
        # Lead, campaign and asset ids are integers in Marketo's API: a lead id with letters is not one.
        "783957695,L-5414089,2022-02-13T14:06:20Z,1,-8497,null,null,null,null\n",
    )
    write(
        "marketo/programs.csv",
        "id,name,type,channel,costStartDate,cost,costNote,currency,createdAt\n"
        "1001,Webinar Q1,Event,Webinar,2026-01-01,1500.00,null,null,2015-05-21T22:45:13Z+0000\n"
        "1002,null,Email,Email Send,null,null,null,null,2015-05-21T22:45:13Z\n",
    )
    write("marketo/leads.csv", "id,email,leadScore,createdAt,updatedAt\n7,null,null,2026-03-04T10:15:00Z,null\n")
    load_drop(con, drop)

    assert [row[:5] for row in ledger(con)] == [
        ("marketo/leads.csv", "loaded", 1, 1, 0),
        ("marketo/activities.csv", "loaded", 4, 2, 2),
        ("marketo/programs.csv", "loaded", 2, 2, 0),
    ]
    assert rows(con, """
        select marketoGUID, leadId, activityDate, campaignId, primaryAttributeValueId, primaryAttributeValue,
               attributes, customField
        from raw_marketo.activities order by 1""") == [
        ("783957693", 5414087, T(2022, 2, 13, 14, 6, 20), 8497, 1670, "MembershipTest1", '{"Reason":"Changed"}',
         None),
        ("783957694", 5414087, T(2013, 9, 26, 6, 56, 35), None, None, None, None, "x"),
    ]
    numeric = "invalid id: expected a marketo numeric id (digits only)"
    assert rows(con, "select line, column_name, raw_value, reason from ingest.quarantine order by line, column_name") == [
        (4, "marketoGUID", "null", "missing primary key"),
        (5, "campaignId", "-8497", numeric),
        (5, "leadId", "L-5414089", numeric),
    ]
    assert rows(con, "select * exclude (_source_file, _source_line, _file_order, _load_id, _loaded_at) "
                     "from raw_marketo.programs order by id") == [
        (1001, "Webinar Q1", "Event", "Webinar", D(2026, 1, 1), Decimal("1500.000000"), None, None,
         T(2015, 5, 21, 22, 45, 13)),
        (1002, None, "Email", "Email Send", None, None, None, None, T(2015, 5, 21, 22, 45, 13)),
    ]
    assert rows(con, "select id, email, leadScore, updatedAt from raw_marketo.leads") == [(7, None, None, None)]


def test_files_of_one_object_may_order_and_choose_their_columns_differently(con, drop, write):
    write("salesforce/Lead.csv", f"{LEAD_HEADER},Email\n{lead_id(1)},A,Open,{STAMP},a@x.com\n")
    write("salesforce/Lead_2.csv", f"CreatedDate,Status,Phone,Id\n{STAMP},Working,+34 600,{lead_id(2)}\n")
    load_drop(con, drop)

    assert rows(con, "select Id, LastName, Status, Email, Phone from raw_salesforce.lead order by Id") == [
        (lead_id(1), "A", "Open", "a@x.com", None), (lead_id(2), None, "Working", None, "+34 600"),
    ]


def test_a_file_holding_only_a_byte_order_mark_and_blank_lines_is_empty(con, drop, write):
    write("salesforce/Lead.csv", "\r\n\r\n", bom=True)
    load_drop(con, drop)

    assert ledger(con) == [("salesforce/Lead.csv", "empty", 0, 0, 0, "the file has no content")]


# ------------------------------------------------------------------------ no recognisable header


def test_a_named_file_without_a_recognisable_header_is_refused_and_the_rest_loads(con, drop, write):
    write("salesforce/Lead.csv", "hello world\nfoo;bar\n")
    write("salesforce/Contact.csv", f"Id,LastName,CreatedDate\n003000000000001,Li,{STAMP}\n")
    write("hubspot/notes.csv", "a,b\n1,2\n")
    report = load_drop(con, drop)

    assert ledger(con) == [
        ("salesforce/Lead.csv", "refused", 0, 0, 0,
         "salesforce/Lead.csv: no header row found in the first 50 lines (expected the columns Id, Status, "
         "CreatedDate)"),
        ("salesforce/Contact.csv", "loaded", 1, 1, 0, ""),
    ]
    assert [u.path for u in report.unrecognised] == ["hubspot/notes.csv"]
    assert "its header has the required columns of no hubspot object" in report.unrecognised[0].reason
    assert rows(con, "select count(*) from raw_salesforce.lead") == [(0,)]
    assert rows(con, "select Id from raw_salesforce.contact") == [("003000000000001",)]
