"""Happy path per source: vendor file names, headers and value formats land as typed raw rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ingest.loader import load_drop

T = dt.datetime
D = dt.date


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_salesforce_api_names_iso_timestamps_and_a_bom(con, drop, write):
    write(
        "salesforce/Lead.csv",
        "Id,FirstName,LastName,Email,NumberOfEmployees,Status,IsConverted,ConvertedDate,CreatedDate,"
        "LastModifiedDate,IsDeleted,SystemModstamp\n"
        "00Q5g00000AbCdEAAZ,Ana,García,ana@acme.com,250,Open,false,,2026-03-04T10:15:00.000Z,"
        "2026-03-05T08:00:00.000+0000,false,2026-03-05T08:00:00.000Z\n"
        "00Q5g00000AbCdF,Bo,Li,bo@initech.com,,Qualified,1,2026-03-06,2026-03-04T23:30:00.000-0230,"
        "2026-03-06T09:00:00Z,0,2026-03-06T09:00:00.000Z\n",
        bom=True,
    )
    write(
        "salesforce/Opportunity.csv",
        "Id,AccountId,Name,StageName,Amount,CurrencyIsoCode,Probability,CloseDate,IsClosed,IsWon,CreatedDate\n"
        "006000000000001AAA,001000000000001AAA,Acme - Platform,Closed Won,12500.50,EUR,100,2026-03-20,true,true,"
        "2026-02-01T12:00:00.000Z\n",
    )
    report = load_drop(con, drop, load_id="load-1")

    assert [(r.file, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.results] == [
        ("salesforce/Lead.csv", "loaded", 2, 2, 0),
        ("salesforce/Opportunity.csv", "loaded", 1, 1, 0),
    ]
    assert rows(con, """
        select Id, FirstName, LastName, NumberOfEmployees, Status, IsConverted, ConvertedDate, CreatedDate,
               LastModifiedDate, IsDeleted, _source_file, _source_line, _load_id
        from raw_salesforce.lead order by _source_line""") == [
        ("00Q5g00000AbCdEAAZ", "Ana", "García", 250, "Open", False, None, T(2026, 3, 4, 10, 15),
         T(2026, 3, 5, 8, 0), False, "salesforce/Lead.csv", 2, "load-1"),
        ("00Q5g00000AbCdF", "Bo", "Li", None, "Qualified", True, D(2026, 3, 6), T(2026, 3, 5, 2, 0),
         T(2026, 3, 6, 9, 0), False, "salesforce/Lead.csv", 3, "load-1"),
    ]
    assert rows(con, "select Amount, Probability, CloseDate, IsClosed, IsWon from raw_salesforce.opportunity") == [
        (Decimal("12500.500000"), Decimal("100.000000"), D(2026, 3, 20), True, True),
    ]


def test_hubspot_english_labels(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv",
        "Record ID,First Name,Last Name,Email,Lifecycle Stage,HubSpot Score,Create Date,Last Modified Date,"
        "Became a Lead Date,Associated Company ID,Preferred Language\n"
        "101,Ana,García,ana@acme.com,lead,42,2026-03-04 10:15,2026-03-05T08:00:00Z,2026-03-04 10:20,5001,es\n"
        "102,Bo,Li,bo@initech.com,subscriber,,2026-03-06 09:00,2026-03-06 09:00:30,,,\n",
    )
    write(
        "hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv",
        "Record ID,Deal Name,Pipeline,Deal Stage,Amount,Currency,Close Date,Create Date,Is Closed Won,"
        "Associated Contact IDs\n"
        "9001,Acme deal,default,closedwon,1234.5,USD,2026-03-20 17:00,2026-03-01 09:00,true,101;102\n",
    )
    report = load_drop(con, drop)

    assert [(r.object, r.status, r.rows_loaded) for r in report.results] == [
        ("contacts", "loaded", 2), ("deals", "loaded", 1),
    ]
    assert rows(con, """
        select hs_object_id, firstname, lifecyclestage, hubspotscore, createdate, lastmodifieddate,
               hs_lifecyclestage_lead_date, associatedcompanyid, "Preferred Language"
        from raw_hubspot.contacts order by hs_object_id""") == [
        ("101", "Ana", "lead", 42, T(2026, 3, 4, 10, 15), T(2026, 3, 5, 8, 0), T(2026, 3, 4, 10, 20), "5001", "es"),
        ("102", "Bo", "subscriber", None, T(2026, 3, 6, 9, 0), T(2026, 3, 6, 9, 0, 30), None, None, None),
    ]
    assert rows(con, """
        select dealname, dealstage, amount, deal_currency_code, closedate, hs_is_closed_won, associated_contact_ids
        from raw_hubspot.deals""") == [
        ("Acme deal", "closedwon", Decimal("1234.500000"), "USD", T(2026, 3, 20, 17, 0), True, "101;102"),
    ]


def test_hubspot_spanish_labels_use_the_spanish_value_format(con, drop, write):
    write(
        "hubspot/hubspot-crm-exports-todos-los-negocios.csv",
        "ID de registro;Nombre del negocio;Etapa del negocio;Importe;Fecha de creación\n"
        "9002;Negocio Acme;closedwon;1.234,50;04/03/2026 10:15\n",
    )
    report = load_drop(con, drop)

    assert [(r.object, r.status, r.rows_loaded) for r in report.results] == [("deals", "loaded", 1)]
    assert rows(con, "select hs_object_id, dealname, amount, createdate from raw_hubspot.deals") == [
        ("9002", "Negocio Acme", Decimal("1234.500000"), T(2026, 3, 4, 10, 15)),
    ]


def test_marketo_rest_names(con, drop, write):
    write(
        "marketo/leads.csv",
        "id,email,firstName,lastName,leadScore,sfdcLeadId,createdAt,updatedAt\n"
        "7,ana@acme.com,Ana,García,35,00Q5g00000AbCdEAAZ,2026-03-04T10:15:00Z,2026-03-05T08:00:00Z\n",
    )
    write(
        "marketo/activities.csv",
        "marketoGUID,leadId,activityDate,activityTypeId,activityTypeName,primaryAttributeValue,attributes\n"
        '1001,7,2026-03-04T10:16:00Z,2,Fill Out Form,Demo Request,"{""Form Fields"": ""x""}"\n',
    )
    report = load_drop(con, drop)

    assert [(r.object, r.status, r.rows_loaded) for r in report.results] == [
        ("leads", "loaded", 1), ("activities", "loaded", 1),
    ]
    assert rows(con, "select id, leadScore, sfdcLeadId, createdAt, updatedAt from raw_marketo.leads") == [
        (7, 35, "00Q5g00000AbCdEAAZ", T(2026, 3, 4, 10, 15), T(2026, 3, 5, 8, 0)),
    ]
    assert rows(con, "select marketoGUID, leadId, activityDate, activityTypeId, attributes "
                     "from raw_marketo.activities") == [
        ("1001", 7, T(2026, 3, 4, 10, 16), 2, '{"Form Fields": "x"}'),
    ]


def test_google_ads_report_with_title_lines_and_grouped_numbers(con, drop, write):
    write(
        "spend/google_ads_campaign_report.csv",
        "Campaign report\n"
        '"March 1, 2026 - March 31, 2026"\n'
        "Day,Campaign,Campaign ID,Currency code,Cost,Clicks,Impr.\n"
        '2026-03-01,Brand Search,111,EUR,"1,234.50","1,020","10,400"\n'
        "2026-03-02,Brand Search,111,EUR,12.00,--,--\n",
    )
    report = load_drop(con, drop)

    (result,) = report.results
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)
    assert rows(con, """
        select day, campaign, campaign_id, currency, cost, clicks, impressions, _source_line
        from raw_spend.google_ads order by day""") == [
        (D(2026, 3, 1), "Brand Search", "111", "EUR", Decimal("1234.500000"), 1020, 10400, 4),
        (D(2026, 3, 2), "Brand Search", "111", "EUR", Decimal("12.000000"), None, None, 5),
    ]


def test_linkedin_report_with_metadata_lines_and_us_dates(con, drop, write):
    write(
        "spend/linkedin_campaign_performance_report.csv",
        "Campaign Performance Report (in UTC)\n"
        "Report Start: 3/1/2026\n"
        "Report End: 3/31/2026\n"
        "Date Generated: 4/1/2026\n"
        "\n"
        "Start Date (in UTC),Account Name,Campaign Name,Campaign ID,Currency,Total Spent,Impressions,Clicks\n"
        "3/1/2026,Smarketing,LI Brand,222,USD,99.90,1500,12\n"
        '03/10/2026,Smarketing,LI Brand,222,USD,"1,005.00",15000,120\n',
    )
    report = load_drop(con, drop)

    (result,) = report.results
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    assert rows(con, """
        select start_date, campaign_name, campaign_id, currency, total_spent, impressions, clicks,
               "Account Name", _source_line
        from raw_spend.linkedin_ads order by start_date""") == [
        (D(2026, 3, 1), "LI Brand", "222", "USD", Decimal("99.900000"), 1500, 12, "Smarketing", 7),
        (D(2026, 3, 10), "LI Brand", "222", "USD", Decimal("1005.000000"), 15000, 120, "Smarketing", 8),
    ]


def test_meta_ads_and_campaign_mapping(con, drop, write):
    write(
        "spend/meta_ads_export.csv",
        "Reporting starts,Campaign name,Campaign ID,Currency,Amount spent (EUR),Clicks (all),Impressions\n"
        "2026-03-01,Meta Retargeting,333,EUR,45.10,30,2000\n",
    )
    write(
        "spend/campaign_mapping.csv",
        "platform,ad_campaign,crm_campaign_id,utm_campaign,channel\n"
        "google_ads,Brand Search,701000000000001AAA,brand-search,paid_search\n",
    )
    report = load_drop(con, drop)

    assert [(r.object, r.status, r.rows_loaded) for r in report.results] == [
        ("meta_ads", "loaded", 1), ("campaign_mapping", "loaded", 1),
    ]
    assert rows(con, "select day, campaign_name, amount_spent, clicks from raw_spend.meta_ads") == [
        (D(2026, 3, 1), "Meta Retargeting", Decimal("45.100000"), 30),
    ]
    assert rows(con, "select * exclude (_source_file, _source_line, _file_order, _load_id, _loaded_at) "
                     "from raw_spend.campaign_mapping") == [
        ("google_ads", "Brand Search", "701000000000001AAA", "brand-search", "paid_search"),
    ]


def test_mql_targets_by_name_or_header_with_a_month_alone_and_bad_values_quarantined(con, drop, write):
    write(
        "targets/mql_targets.csv",
        "Month,Region,Channel,Target MQLs\n"
        "2026-01,,,40\n"
        "2026-01-15,Europe,,20\n"
        "2026-02,,Paid Search,many\n"
        "January,Europe,,5\n",
    )
    write("targets/plan 2026 (final).csv", "month,target_mqls\n2026-03,44\n")
    report = load_drop(con, drop, load_id="load-1")

    assert [(r.file, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.results] == [
        ("targets/mql_targets.csv", "loaded", 4, 2, 2),
        ("targets/plan 2026 (final).csv", "loaded", 1, 1, 0),
    ]
    assert rows(con, "select month, region, channel, target_mqls from raw_targets.mql_targets order by _file_order, "
                     "_source_line") == [
        (D(2026, 1, 1), None, None, 40), (D(2026, 1, 15), "Europe", None, 20), (D(2026, 3, 1), None, None, 44),
    ]
    assert sorted(rows(con, "select column_name, raw_value from ingest.quarantine")) == [
        ("month", "January"), ("target_mqls", "many")]


CONTENT_HEADER = ("asset_name,campaign_name,asset_type,url,published_date,author,author_team,marketing_helpers,"
                  "sales_helpers\n")


def test_content_calendar_by_name_or_header_with_bad_rows_quarantined_by_file_line_and_column(con, drop, write):
    write(
        "content/content_calendar.csv",
        CONTENT_HEADER
        + "Ebook download: Lead scoring playbook,Ebook - Lead Scoring Playbook,Ebook,"
          "https://example.com/ebook,2026-03-02,Lucía Navarro,Marketing,Ana Ruiz,Pablo Ortega; Elena Castro\n"
          "Webinar registration: SLAs,,Webinar,,2026-13-01,Lucía Navarro,Marketing,,\n"
          ",,Guide,,2026-04-01,Lucía Navarro,Marketing,,\n",
    )
    write("content/2026 plan.csv", "Asset name,Type,Published date,Author,Author team\n"
                                   "Whitepaper: Attribution,Whitepaper,2026-05-04,Carlos Domínguez,Sales\n")
    report = load_drop(con, drop, load_id="load-1")

    assert [(r.file, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in report.results] == [
        ("content/2026 plan.csv", "loaded", 1, 1, 0),
        ("content/content_calendar.csv", "loaded", 3, 1, 2),
    ]
    assert rows(con, "select asset_name, campaign_name, asset_type, url, published_date, author, author_team, "
                     "marketing_helpers, sales_helpers from raw_content.content_calendar order by asset_name") == [
        ("Ebook download: Lead scoring playbook", "Ebook - Lead Scoring Playbook", "Ebook", "https://example.com/ebook",
         D(2026, 3, 2), "Lucía Navarro", "Marketing", "Ana Ruiz", "Pablo Ortega; Elena Castro"),
        ("Whitepaper: Attribution", None, "Whitepaper", None, D(2026, 5, 4), "Carlos Domínguez", "Sales", None, None),
    ]
    assert rows(con, "select file, line, column_name, raw_value, reason from ingest.quarantine order by line") == [
        ("content/content_calendar.csv", 3, "published_date", "2026-13-01",
         "invalid date: expected content date like 2026-03-04"),
        ("content/content_calendar.csv", 4, "asset_name", None, "missing primary key"),
    ]


def test_a_drop_without_content_loads_as_before_with_an_empty_content_calendar(con, drop, write):
    write("targets/mql_targets.csv", "month,target_mqls\n2026-03,44\n")
    report = load_drop(con, drop)

    assert [(r.file, r.rows_loaded) for r in report.results] == [("targets/mql_targets.csv", 1)]
    assert rows(con, "select count(*) from raw_content.content_calendar") == [(0,)]
    assert "source content: no content/ folder in the drop; its raw tables stay empty" in report.notes
