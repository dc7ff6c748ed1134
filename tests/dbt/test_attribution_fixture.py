"""Attribution on a hand-computed scenario: raw CRM rows with known touches in two currencies, every
model's weights and attributed revenue worked out by hand below (cents exact), then built with dbt.

The attribution settings are pinned here (the same shape as the definitions file), so the expected
numbers do not move when the governed weights are tuned.

Account acme.example: Ana (Salesforce lead L1 and contact C1, primary contact role on O1) and Ben
(contact C2, on no opportunity: an account member). Account beta.example: Cara (contact C3, on O2).
Rates: EUR 1, USD 1.2 from 2025-01-01.

O1: USD 1,000.00 won -> 1000 / 1.2 = 833.33 EUR; created 2025-05-01 09:00, closed 2025-05-15 16:00.
Its eligible touches, a week apart so time decay halves exactly each step back:

    T1 2025-04-10 00:00  Ana, webinar campaign attendance (CampaignMember on lead L1)  first touch
    T2 2025-04-17 00:00  Ana, HubSpot form "Ebook download" (utm cpc)                 lead creation
    T3 2025-04-24 00:00  Ben, sales email (Task on C2)                                  account member
    T4 2025-05-01 00:00  Ana, meeting (Event on L1)                                     opportunity creation
    T5 2025-05-08 00:00  Ana, call (Task on C1)
    T6 2025-05-15 00:00  Ben, campaign response (added 05-01, FirstRespondedDate 05-15) closed won, last

Not eligible: a call on Ana after the close (2025-05-20) and a campaign response of Ana on 2024-04-30,
before the window (365 days before 2025-05-01 09:00 is 2024-05-01 09:00).
Ana's lead time is her form at T2 (before her lead record, created 2025-04-17 08:00).

O2: EUR 500.00 won, account beta.example, no touch at all: one unattributed row per model.
O3: USD 200.00 lost (-> 166.67 EUR pipeline), account acme.example: no revenue to attribute.
O4: EUR 300.00 lost, account delta.example (Eve, contact C5): its only touches are two organic social
forms, a channel no converting journey has, so the data-driven models learnt no credit for them.

Data-driven models (markov, shapley) learn from the journeys: O1's touches (converting; O3 is on the
same account, which has a won opportunity), Dana's (contact C4 of gamma.example, no opportunity) paid
search form then organic social form, and Eve's two organic social forms (non-converting). Their
credits and O1's and O4's weights come from the independent implementations of
test_data_driven_attribution; O4 falls back to equal shares.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from test_data_driven_attribution import markov_credits, shapley_credits
from test_dbt_build import DEFINITIONS, create_empty_raw_tables, run_dbt

ATTRIBUTION = {
    "lookback_days": 365,
    "models": {
        "first_touch": {"positions": {"first_touch": 1}},
        "lead_creation": {"positions": {"lead_creation": 1}},
        "last_touch": {"positions": {"last_touch": 1}},
        "linear": {"others": 1},
        "u_shaped": {"positions": {"first_touch": 0.4, "lead_creation": 0.4}, "others": 0.2},
        "w_shaped": {"positions": {"first_touch": 0.3, "lead_creation": 0.3, "opportunity_creation": 0.3},
                     "others": 0.1},
        "full_path": {"positions": {"first_touch": 0.225, "lead_creation": 0.225, "opportunity_creation": 0.225,
                                    "closed_won": 0.225}, "others": 0.1},
        "time_decay": {"others": 1, "half_life_days": 7},
        "markov": {"method": "markov"},
        "shapley": {"method": "shapley"},
    },
    "data_driven": {"conversion": "won_opportunity", "state": "channel", "min_journeys": 1,
                    "min_converting_journeys": 1},
}
RULE_MODELS = [name for name, model in ATTRIBUTION["models"].items() if "method" not in model]

# the journeys, by hand from the scenario above: (converts, channels in time order)
JOURNEYS = [
    (True, ["Events", "Paid Search", "Sales", "Sales", "Sales", "Content"]),   # O1: T1..T6
    (False, ["Paid Search", "Organic Social"]),                                # Dana
    (False, ["Organic Social", "Organic Social"]),                             # Eve
]
O1_CHANNELS = {"T1": "Events", "T2": "Paid Search", "T3": "Sales", "T4": "Sales", "T5": "Sales", "T6": "Content"}

D = Decimal
F = lambda n, d: D(n) / D(d)  # noqa: E731  exact fractions for the expected weights

# Expected rows of O1 per model: touch -> (weight, attributed revenue in EUR). Revenue is
# round(weight * 833.33, 2); the cent lost or gained by rounding goes to the largest weight,
# earliest touch (T1 in every tie below).
O1_EXPECTED = {
    # single touch: everything to one touch
    "first_touch": {"T1": (1, "833.33")},
    "lead_creation": {"T2": (1, "833.33")},
    "last_touch": {"T6": (1, "833.33")},
    # 833.33 / 6 = 138.888.. -> 138.89 x 6 = 833.34, T1 gives back the cent
    "linear": {t: (F(1, 6), "138.88" if t == "T1" else "138.89") for t in ("T1", "T2", "T3", "T4", "T5", "T6")},
    # 0.4 x 833.33 = 333.332 -> 333.33; the 0.2 of the others over T3..T6: 0.05 x 833.33 = 41.6665 -> 41.67
    # 2 x 333.33 + 4 x 41.67 = 833.34 -> T1 333.32
    "u_shaped": {"T1": (F(4, 10), "333.32"), "T2": (F(4, 10), "333.33"),
                 "T3": (F(5, 100), "41.67"), "T4": (F(5, 100), "41.67"),
                 "T5": (F(5, 100), "41.67"), "T6": (F(5, 100), "41.67")},
    # 0.3 x 833.33 = 249.999 -> 250.00; others T3, T5, T6: 0.1 / 3 x 833.33 = 27.7776.. -> 27.78
    # 3 x 250.00 + 3 x 27.78 = 833.34 -> T1 249.99
    "w_shaped": {"T1": (F(3, 10), "249.99"), "T2": (F(3, 10), "250.00"), "T4": (F(3, 10), "250.00"),
                 "T3": (F(1, 30), "27.78"), "T5": (F(1, 30), "27.78"), "T6": (F(1, 30), "27.78")},
    # 0.225 x 833.33 = 187.49925 -> 187.50; others T3, T5: 0.05 x 833.33 = 41.6665 -> 41.67
    # 4 x 187.50 + 2 x 41.67 = 833.34 -> T1 187.49
    "full_path": {"T1": (F(225, 1000), "187.49"), "T2": (F(225, 1000), "187.50"),
                  "T4": (F(225, 1000), "187.50"), "T6": (F(225, 1000), "187.50"),
                  "T3": (F(5, 100), "41.67"), "T5": (F(5, 100), "41.67")},
    # ages 0, 1, 2, 3, 4, 5 half-lives before T6: factors 1, 1/2, ... 1/32, total 63/32
    # 833.33 / 63 = 13.2274.. -> x1 13.23, x2 26.45, x4 52.91, x8 105.82, x16 211.64, x32 423.28 = 833.33
    "time_decay": {"T6": (F(32, 63), "423.28"), "T5": (F(16, 63), "211.64"), "T4": (F(8, 63), "105.82"),
                   "T3": (F(4, 63), "52.91"), "T2": (F(2, 63), "26.45"), "T1": (F(1, 63), "13.23")},
}

TOUCH_RECORDS = {  # touch name -> (source_system, source_object, source record id)
    "F4": ("hubspot", "form_submission", "F4"),
    "F5": ("hubspot", "form_submission", "F5"),
    "F6": ("hubspot", "form_submission", "F6"),
    "F7": ("hubspot", "form_submission", "F7"),
    "T1": ("salesforce", "campaign_member", "CM1"),
    "T2": ("hubspot", "form_submission", "F1"),
    "T3": ("salesforce", "task", "TK3"),
    "T4": ("salesforce", "event", "EV4"),
    "T5": ("salesforce", "task", "TK5"),
    "T6": ("salesforce", "campaign_member", "CM6"),
}

RAW_ROWS = {
    ("raw_salesforce", "account"): [
        {"Id": "A1", "Name": "Acme", "Website": "https://www.acme.example", "CreatedDate": "2024-01-01 00:00"},
        {"Id": "A2", "Name": "Beta", "Website": "beta.example", "CreatedDate": "2024-01-01 00:00"},
        {"Id": "A3", "Name": "Gamma", "Website": "gamma.example", "CreatedDate": "2024-01-01 00:00"},
        {"Id": "A4", "Name": "Delta", "Website": "delta.example", "CreatedDate": "2024-01-01 00:00"},
    ],
    ("raw_salesforce", "lead"): [
        {"Id": "L1", "LastName": "Ana", "Email": "ana@acme.example", "Company": "Acme", "Status": "Open",
         "IsConverted": False, "CreatedDate": "2025-04-17 08:00"},
    ],
    ("raw_salesforce", "contact"): [
        {"Id": "C1", "AccountId": "A1", "LastName": "Ana", "Email": "ana@acme.example", "LeadSource": "Web",
         "CreatedDate": "2025-04-30 00:00"},
        {"Id": "C2", "AccountId": "A1", "LastName": "Ben", "Email": "ben@acme.example", "LeadSource": "Web",
         "CreatedDate": "2025-04-01 00:00"},
        {"Id": "C3", "AccountId": "A2", "LastName": "Cara", "Email": "cara@beta.example", "LeadSource": "Cold Call",
         "CreatedDate": "2025-05-20 00:00"},
        {"Id": "C4", "AccountId": "A3", "LastName": "Dana", "Email": "dana@gamma.example", "LeadSource": "Web",
         "CreatedDate": "2025-06-01 00:00"},
        {"Id": "C5", "AccountId": "A4", "LastName": "Eve", "Email": "eve@delta.example", "LeadSource": "Web",
         "CreatedDate": "2025-06-01 00:00"},
    ],
    ("raw_salesforce", "opportunity"): [
        {"Id": "O1", "AccountId": "A1", "Name": "Acme deal", "StageName": "Closed Won", "Amount": 1000,
         "CurrencyIsoCode": "USD", "CloseDate": "2025-05-15", "IsClosed": True, "IsWon": True,
         "CreatedDate": "2025-05-01 09:00"},
        {"Id": "O2", "AccountId": "A2", "Name": "Beta deal", "StageName": "Closed Won", "Amount": 500,
         "CurrencyIsoCode": "EUR", "CloseDate": "2025-07-01", "IsClosed": True, "IsWon": True,
         "CreatedDate": "2025-06-01 10:00"},
        {"Id": "O3", "AccountId": "A1", "Name": "Acme add-on", "StageName": "Closed Lost", "Amount": 200,
         "CurrencyIsoCode": "USD", "CloseDate": "2025-06-20", "IsClosed": True, "IsWon": False,
         "CreatedDate": "2025-06-10 09:00"},
        {"Id": "O4", "AccountId": "A4", "Name": "Delta deal", "StageName": "Closed Lost", "Amount": 300,
         "CurrencyIsoCode": "EUR", "CloseDate": "2025-07-20", "IsClosed": True, "IsWon": False,
         "CreatedDate": "2025-07-10 09:00"},
    ],
    ("raw_salesforce", "opportunity_history"): [
        {"Id": "H1", "OpportunityId": "O1", "StageName": "Closed Won", "CreatedDate": "2025-05-15 16:00"},
        {"Id": "H2", "OpportunityId": "O2", "StageName": "Closed Won", "CreatedDate": "2025-07-01 12:00"},
        {"Id": "H3", "OpportunityId": "O3", "StageName": "Closed Lost", "CreatedDate": "2025-06-20 12:00"},
        {"Id": "H4", "OpportunityId": "O4", "StageName": "Closed Lost", "CreatedDate": "2025-07-20 12:00"},
    ],
    ("raw_salesforce", "opportunity_contact_role"): [
        {"Id": "R1", "OpportunityId": "O1", "ContactId": "C1", "IsPrimary": True, "CreatedDate": "2025-05-01 09:00"},
        {"Id": "R2", "OpportunityId": "O2", "ContactId": "C3", "IsPrimary": True, "CreatedDate": "2025-06-01 10:00"},
        {"Id": "R3", "OpportunityId": "O3", "ContactId": "C1", "IsPrimary": True, "CreatedDate": "2025-06-10 09:00"},
        {"Id": "R4", "OpportunityId": "O4", "ContactId": "C5", "IsPrimary": True, "CreatedDate": "2025-07-10 09:00"},
    ],
    ("raw_salesforce", "dated_conversion_rate"): [
        {"Id": "X1", "IsoCode": "EUR", "ConversionRate": 1, "StartDate": "2025-01-01"},
        {"Id": "X2", "IsoCode": "USD", "ConversionRate": 1.2, "StartDate": "2025-01-01"},
    ],
    ("raw_salesforce", "campaign"): [
        {"Id": "CW", "Name": "Webinar - Pipeline reviews", "Type": "Webinar", "Status": "Completed"},
        {"Id": "CE", "Name": "Ebook - Benchmarks", "Type": "Content", "Status": "Completed"},
        {"Id": "CS", "Name": "Paid Search - Brand", "Type": "Paid Search", "Status": "Completed"},
    ],
    ("raw_salesforce", "campaign_member"): [
        {"Id": "CM1", "CampaignId": "CW", "LeadId": "L1", "Status": "Attended", "HasResponded": True,
         "FirstRespondedDate": "2025-04-10", "CreatedDate": "2025-04-10 00:00"},
        {"Id": "CM6", "CampaignId": "CE", "ContactId": "C2", "Status": "Responded", "HasResponded": True,
         "FirstRespondedDate": "2025-05-15", "CreatedDate": "2025-05-01 07:00"},
        {"Id": "CM8", "CampaignId": "CE", "ContactId": "C1", "Status": "Responded", "HasResponded": True,
         "FirstRespondedDate": "2024-04-30", "CreatedDate": "2024-04-30 00:00"},
        {"Id": "CM9", "CampaignId": "CW", "ContactId": "C2", "Status": "Sent", "HasResponded": False,
         "CreatedDate": "2025-05-02 00:00"},
    ],
    ("raw_salesforce", "task"): [
        {"Id": "TK3", "WhoId": "C2", "Subject": "Intro", "Type": "Email", "TaskSubtype": "Email",
         "Status": "Completed", "CompletedDateTime": "2025-04-24 00:00", "CreatedDate": "2025-04-23 10:00"},
        {"Id": "TK5", "WhoId": "C1", "Subject": "Call", "Type": "Call", "TaskSubtype": "Call",
         "Status": "Completed", "CompletedDateTime": "2025-05-08 00:00", "CreatedDate": "2025-05-08 00:00"},
        {"Id": "TK7", "WhoId": "C1", "Subject": "Call", "Type": "Call", "TaskSubtype": "Call",
         "Status": "Completed", "CompletedDateTime": "2025-05-20 00:00", "CreatedDate": "2025-05-20 00:00"},
    ],
    ("raw_salesforce", "event"): [
        {"Id": "EV4", "WhoId": "L1", "Subject": "Discovery", "Type": "Meeting",
         "StartDateTime": "2025-05-01 00:00", "EndDateTime": "2025-05-01 00:30", "CreatedDate": "2025-04-28 00:00"},
    ],
    ("raw_hubspot", "form_submissions"): [
        {"conversion_id": "F1", "email": "ana@acme.example", "form_name": "Ebook download",
         "page_url": "https://www.example.com/ebook?utm_source=google&utm_medium=cpc&utm_campaign=brand",
         "submitted_at": "2025-04-17 00:00"},
        {"conversion_id": "F4", "email": "dana@gamma.example", "form_name": "Ebook download",
         "page_url": "https://www.example.com/ebook?utm_source=google&utm_medium=cpc&utm_campaign=brand",
         "submitted_at": "2025-06-02 00:00"},
        {"conversion_id": "F5", "email": "dana@gamma.example", "form_name": "Ebook download",
         "page_url": "https://www.example.com/ebook?utm_source=linkedin&utm_medium=social",
         "submitted_at": "2025-06-03 00:00"},
        {"conversion_id": "F6", "email": "eve@delta.example", "form_name": "Ebook download",
         "page_url": "https://www.example.com/ebook?utm_source=linkedin&utm_medium=social",
         "submitted_at": "2025-06-04 00:00"},
        {"conversion_id": "F7", "email": "eve@delta.example", "form_name": "Ebook download",
         "page_url": "https://www.example.com/ebook?utm_source=twitter&utm_medium=social",
         "submitted_at": "2025-06-05 00:00"},
    ],
}


def insert_rows(con, schema: str, table: str, rows: list[dict]) -> None:
    for line, row in enumerate(rows, start=2):
        row = {"IsDeleted": False, **row} if schema == "raw_salesforce" and table != "dated_conversion_rate" else row
        row = {**row, "_source_file": f"{table}.csv", "_source_line": line, "_file_order": 1,
               "_load_id": "fixture", "_loaded_at": "2026-01-01 00:00"}
        columns = ", ".join(f'"{c}"' for c in row)
        con.execute(f'insert into "{schema}"."{table}" ({columns}) values ({", ".join("?" * len(row))})',
                    list(row.values()))


def fixture_vars() -> str:
    definitions = json.loads(json.dumps(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")), default=str))
    for version in definitions["versions"]:
        version["attribution"] = ATTRIBUTION
    return json.dumps({"funnel_definitions": definitions})


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("attribution")
    path = work / "warehouse.duckdb"
    create_empty_raw_tables(path)
    with duckdb.connect(str(path)) as con:
        for (schema, table), rows in RAW_ROWS.items():
            insert_rows(con, schema, table, rows)
    result = run_dbt(["build", "--select", "+fct_attribution", "+rpt_sourced_pipeline", "+fct_touches",
                      "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious", "--vars", fixture_vars()],
                     path, work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-5000:]
    return path


def touch_names(con) -> dict[str, str]:
    """touch_id -> T<n>, from the records each touch was made from."""
    rows = con.execute("select touch_id, source_system, source_object, source_record_id from marts_audit.fct_touches").fetchall()
    by_record = {record: name for name, record in TOUCH_RECORDS.items()}
    return {touch_id: by_record.get((system, obj, record), f"{obj}:{record}") for touch_id, system, obj, record in rows}


def test_amounts_in_two_currencies(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = dict(con.execute("select opportunity_id, amount_reporting from marts_audit.fct_opportunities").fetchall())
    assert rows == {"O1": D("833.33"), "O2": D("500.00"), "O3": D("166.67"), "O4": D("300.00")}


def test_touches(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = touch_names(con)
        rows = con.execute(
            "select touch_id, touch_type, team, channel, campaign_id, utm_medium from marts_audit.fct_touches"
        ).fetchall()
    touches = {names[r[0]]: r[1:] for r in rows}
    assert touches == {
        "T1": ("campaign_attendance", "marketing", "Events", "CW", None),
        "T2": ("content_download", "marketing", "Paid Search", None, "cpc"),
        "T3": ("sales_email", "sales", "Sales", None, None),
        "T4": ("sales_meeting", "sales", "Sales", None, None),
        "T5": ("sales_call", "sales", "Sales", None, None),
        "T6": ("campaign_response", "marketing", "Content", "CE", None),
        "task:TK7": ("sales_call", "sales", "Sales", None, None),
        "campaign_member:CM8": ("campaign_response", "marketing", "Content", "CE", None),
        "F4": ("content_download", "marketing", "Paid Search", None, "cpc"),
        "F5": ("content_download", "marketing", "Organic Social", None, "social"),
        "F6": ("content_download", "marketing", "Organic Social", None, "social"),
        "F7": ("content_download", "marketing", "Organic Social", None, "social"),
    }


def test_every_model_matches_the_hand_computed_weights_and_revenue(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = touch_names(con)
        rows = con.execute(
            "select attribution_model, touch_id, weight, attributed_revenue from marts_audit.fct_attribution "
            "where opportunity_id = 'O1'"
        ).fetchall()
    actual: dict[str, dict] = {}
    for model, touch_id, weight, revenue in rows:
        actual.setdefault(model, {})[names[touch_id]] = (weight, revenue)
    assert set(actual) == set(ATTRIBUTION["models"])
    for model, expected in O1_EXPECTED.items():
        assert set(actual[model]) == set(expected), model
        for touch, (weight, revenue) in expected.items():
            got_weight, got_revenue = actual[model][touch]
            assert got_weight == pytest.approx(float(weight), abs=1e-12), (model, touch)
            assert got_revenue == D(revenue), (model, touch, got_revenue)
        assert sum((D(r) for _, r in expected.values()), D(0)) == D("833.33"), model


def test_a_won_opportunity_without_touches_is_one_unattributed_row_per_model(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select attribution_model, touch_id, weight, attributed_revenue, is_unattributed "
            "from marts_audit.fct_attribution where opportunity_id = 'O2'"
        ).fetchall()
    assert sorted(rows) == sorted((model, None, 1.0, D("500.00"), True) for model in ATTRIBUTION["models"])


def test_a_lost_opportunity_has_pipeline_but_no_revenue(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select attribution_model, sum(weight), sum(attributed_revenue), sum(attributed_pipeline), "
            "bool_or(is_unattributed) from marts_audit.fct_attribution where opportunity_id = 'O3' group by 1"
        ).fetchall()
    assert {r[0] for r in rows} == set(ATTRIBUTION["models"])
    for model, weight, revenue, pipeline, unattributed in rows:
        assert weight == pytest.approx(1.0) and revenue == 0 and pipeline == D("166.67"), model
        # O3 has touches: T1..T6 and the call of 2025-05-20, all within its window
        assert not unattributed, model


def test_sourced_and_influenced(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select opportunity_id, sourced_team, sourcing_rule, sourced_channel, is_marketing_influenced, "
            "is_sales_influenced, eligible_touch_count from marts_audit.rpt_sourced_pipeline"
        ).fetchall()
    assert sorted(rows) == [
        ("O1", "marketing", "first_touch", "Events", True, True, 6),
        ("O2", "sales", "lead_source", "Outbound", False, False, 0),
        ("O3", "marketing", "first_touch", "Events", True, True, 7),
        ("O4", "marketing", "first_touch", "Organic Social", True, False, 2),
    ]


def test_the_attribution_gate_passes_and_names_what_is_off_when_corrupted(warehouse, tmp_path):
    from orchestration.quality_checks import attribution_frame, validate_attribution

    models = list(ATTRIBUTION["models"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        outcome = validate_attribution(attribution_frame(con, models))
    assert outcome.passed, outcome.summary

    corrupted = tmp_path / "corrupted.duckdb"
    corrupted.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(corrupted)) as con:
        con.execute(
            "update marts_audit.fct_attribution set attributed_revenue = attributed_revenue - 0.01 "
            "where attribution_model = 'linear' and opportunity_id = 'O1' and touch_sequence = 2"
        )
        con.execute("update marts_audit.fct_attribution set weight = 0.5 where attribution_model = 'u_shaped' "
                    "and opportunity_id = 'O3' and is_first_touch")
        outcome = validate_attribution(attribution_frame(con, models))
    assert not outcome.passed
    assert {r["attribution_model"] for r in outcome.failing_rows} == {"linear", "u_shaped"}
    assert "linear: attributed 1333.32 vs won 1333.33 (off by -0.01); 1 opportunities off: O1" in outcome.summary
    assert "u_shaped: attributed 1333.33 vs won 1333.33 (off by 0.0); 1 opportunities off: O3" in outcome.summary


def test_a_won_opportunity_without_reporting_amount_is_left_to_the_revenue_gate(warehouse, tmp_path):
    from orchestration.quality_checks import attribution_frame, validate_attribution

    unpriced = tmp_path / "unpriced.duckdb"
    unpriced.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(unpriced)) as con:
        con.execute("update marts_audit.fct_opportunities set amount_reporting = null where opportunity_id = 'O2'")
        con.execute("update marts_audit.fct_attribution set attributed_revenue = null where opportunity_id = 'O2'")
        outcome = validate_attribution(attribution_frame(con, list(ATTRIBUTION["models"])))
    assert outcome.passed, outcome.summary
    assert "1 won opportunities without a reporting-currency amount are left to the won revenue gate" in outcome.summary
    assert set(outcome.frame.won_revenue) == {"833.33"}


def split(amount: D, weights: dict[str, float], touch_order: list[str]) -> dict[str, D]:
    """amount split by weights, rounded half up to cents, the remainder on the largest weight (then
    the earliest touch), independently of the SQL."""
    from decimal import ROUND_HALF_UP
    rounded = {t: (D(repr(w)) * amount).quantize(D("0.01"), rounding=ROUND_HALF_UP) for t, w in weights.items()}
    first = min(weights, key=lambda t: (-round(weights[t], 12), touch_order.index(t)))
    rounded[first] += amount - sum(rounded.values(), D(0))
    return rounded


@pytest.mark.parametrize("model", ["markov", "shapley"])
def test_data_driven_models_split_each_opportunity_by_the_learnt_channel_credits(warehouse, model):
    credits = {"markov": markov_credits, "shapley": shapley_credits}[model](JOURNEYS)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = touch_names(con)
        learnt = dict(con.execute(f"select state, credit from intermediate.int_attribution_{model}_credits").fetchall())
        rows = con.execute(
            "select opportunity_id, touch_id, weight, attributed_revenue, attributed_pipeline, is_unattributed "
            "from marts_audit.fct_attribution where attribution_model = ?", [model]).fetchall()
    assert learnt.keys() == credits.keys()
    for channel, credit in credits.items():
        assert learnt[channel] == pytest.approx(credit, abs=1e-9), channel
    actual = {(r[0], names.get(r[1])): r[2:] for r in rows}

    # O1: weight of a touch = credit of its channel / the sum over O1's touches
    total = sum(credits[c] for c in O1_CHANNELS.values())
    o1_weights = {t: credits[c] / total for t, c in O1_CHANNELS.items() if credits[c] > 0}
    revenue = split(D("833.33"), o1_weights, list(O1_CHANNELS))
    assert {t for (o, t) in actual if o == "O1"} == set(o1_weights)
    for touch, weight in o1_weights.items():
        got_weight, got_revenue, got_pipeline, unattributed = actual[("O1", touch)]
        assert got_weight == pytest.approx(weight, abs=1e-9), touch
        assert got_revenue == got_pipeline == revenue[touch], (touch, got_revenue, revenue[touch])
        assert not unattributed

    # O4: organic social has no credit under either model, so its two touches share equally
    assert credits["Organic Social"] == 0
    assert {t: r[:3] for (o, t), r in actual.items() if o == "O4"} == {
        "F6": (0.5, D(0), D("150.00")), "F7": (0.5, D(0), D("150.00"))}

    # O2 has no touch: unattributed, as under every model
    assert actual[("O2", None)] == (1.0, D("500.00"), D("500.00"), True)
