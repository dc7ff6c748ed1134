"""The semantic layer: the funnel's metrics, queried by name with MetricFlow (`mf query`) on a demo
warehouse, equal the demo generator's independent ground truth.

`mf` reads `<project>/target/semantic_manifest.json` and nothing else, so the project is copied to
a temporary directory and built there; the repository's own target/ is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from demo_company.oracle import DEMO_KEY_SECRET
from demo_company.clock import CANONICAL_AS_OF
from orchestration.dbt_generated import attribution_model_names
from orchestration.funnel_definitions import load_definitions
from orchestration.person_keys import write_pads
from test_dbt_build import DEMO_INPUTS, PROJECT, definitions_vars

BIN = Path(sys.executable).parent
DBT, MF = BIN / "dbt", BIN / "mf"

METRICS = {
    "mqls": "simple",
    "sqls": "simple",
    "mql_to_sql_conversion_rate": "ratio",
    "speed_to_lead_hours": "simple",
    "sla_compliance_rate": "ratio",
    "opportunities": "simple",
    "won_opportunities": "simple",
    "win_rate": "ratio",
    "won_revenue": "simple",
    "cohort_entries": "simple",
    "cohort_conversions": "simple",
    "cohort_conversion_rate": "ratio",
    "account_cohort_entries": "simple",
    "account_cohort_conversions": "simple",
    "account_cohort_conversion_rate": "ratio",
    "spend": "simple",
    "closed_loop_leads": "simple",
    "closed_loop_mqls": "simple",
    "closed_loop_sqls": "simple",
    "closed_loop_opportunities": "simple",
    "closed_loop_won_deals": "simple",
    "cost_per_lead": "ratio",
    "cost_per_mql": "ratio",
    "cost_per_sql": "ratio",
    "cost_per_opportunity": "ratio",
    "cac": "ratio",
    "content_touches": "simple",
    "content_people_reached": "simple",
    "content_new_leads": "simple",
    "content_new_mqls": "simple",
    "content_opportunities_influenced": "simple",
    "content_pipeline_influenced": "simple",
    "content_won_revenue_attributed": "simple",
    "content_published_assets": "simple",
}
DIMENSIONS = ["channel", "original_source", "region", "segment", "owner", "first_touch_campaign", "country"]


@pytest.fixture(scope="module")
def semantic_demo(tmp_path_factory):
    demo = pytest.importorskip("demo_company")
    loader = pytest.importorskip("ingest.loader")
    root = tmp_path_factory.mktemp("semantic_demo")
    project, drop, warehouse = root / "dbt_project", root / "exports", root / "warehouse.duckdb"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    demo.generate(drop, people=1000, seed=5, as_of=CANONICAL_AS_OF.date(), **DEMO_INPUTS)
    with duckdb.connect(str(warehouse)) as con:
        loader.load_drop(con, drop)
        write_pads(con, DEMO_KEY_SECRET.encode())  # as the pipeline does before dbt starts
    env = {**os.environ, "SMARKETING_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project), "--vars", definitions_vars()],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    truth = json.loads((drop / "_ground_truth" / "ground_truth.json").read_text(encoding="utf-8"))
    return project, warehouse, env, truth


def mf_query(semantic_demo, metrics: list[str], group_by: list[str] = (), where: str = "") -> list[dict[str, str]]:
    project, _, env, _ = semantic_demo
    out = project / f"mf_{len(list(project.glob('mf_*.csv')))}.csv"
    command = [str(MF), "query", "--metrics", ",".join(metrics), "--csv", str(out), "--quiet"]
    if group_by:
        command += ["--group-by", ",".join(group_by)]
    if where:
        command += ["--where", where]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def number(value: str) -> Decimal:
    return Decimal(value) if value not in ("", None) else Decimal(0)


def test_semantic_manifest_has_every_metric_with_its_type(semantic_demo):
    project, _, _, _ = semantic_demo
    manifest = json.loads((project / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
    types = {metric["name"]: metric["type"] for metric in manifest["metrics"]}
    assert {name: types.get(name) for name in METRICS} == METRICS
    people = next(model for model in manifest["semantic_models"] if model["name"] == "funnel_people")
    assert set(DIMENSIONS) <= {dimension["name"] for dimension in people["dimensions"]}


def test_mqls_and_sqls_by_month_equal_ground_truth(semantic_demo):
    truth = semantic_demo[3]
    rows = mf_query(semantic_demo, ["mqls", "sqls"], ["metric_time__month"])
    assert sum(number(row["mqls"]) for row in rows) == truth["stage_counts"]["mql"]
    assert sum(number(row["sqls"]) for row in rows) == truth["stage_counts"]["sql"]
    # month by month too: metric_time is the governed stage entry (UTC)
    for stage in ("mql", "sql"):
        expected = Counter(p[f"became_{stage}_at"][:7] for p in truth["persons"] if p[f"became_{stage}_at"])
        actual = {row["metric_time__month"][:7]: int(number(row[f"{stage}s"])) for row in rows}
        assert {month: count for month, count in actual.items() if count} == dict(expected)


def test_mql_to_sql_conversion_rate_equals_ground_truth(semantic_demo):
    truth = semantic_demo[3]
    (row,) = mf_query(semantic_demo, ["mql_to_sql_conversion_rate"])
    mqls = [p for p in truth["persons"] if p["became_mql_at"]]
    converted = [p for p in mqls if p["became_sql_at"]]
    assert float(row["mql_to_sql_conversion_rate"]) == pytest.approx(len(converted) / len(mqls))


def test_mql_to_sql_conversion_counts_each_mql_cohort_in_its_own_month(semantic_demo):
    truth = semantic_demo[3]
    rows = mf_query(semantic_demo, ["mqls", "mqls_converted_to_sql", "mql_to_sql_conversion_rate"],
                    ["metric_time__month"])
    expected = {}
    for person in truth["persons"]:
        if person["became_mql_at"]:
            month = person["became_mql_at"][:7]                        # metric_time is became_mql_at (UTC)
            mqls, converted = expected.get(month, (0, 0))
            expected[month] = (mqls + 1, converted + (person["became_sql_at"] is not None))
    actual = {row["metric_time__month"][:7]: (int(number(row["mqls"])), int(number(row["mqls_converted_to_sql"])))
              for row in rows if number(row["mqls"])}
    assert actual == expected
    assert any(0 < converted < mqls for mqls, converted in expected.values())
    for row in rows:
        if number(row["mqls"]):
            assert float(row["mql_to_sql_conversion_rate"]) == pytest.approx(
                float(number(row["mqls_converted_to_sql"]) / number(row["mqls"])))


def test_cohort_conversion_by_stage_and_reporting_month_equals_ground_truth(semantic_demo):
    truth = semantic_demo[3]
    rows = mf_query(semantic_demo, ["cohort_entries", "cohort_conversions", "cohort_conversion_rate"],
                    ["conversion_cohort__from_stage", "metric_time__month"])
    actual = {(row["conversion_cohort__from_stage"], row["metric_time__month"][:10]):
              (int(number(row["cohort_entries"])), int(number(row["cohort_conversions"]))) for row in rows}
    expected = {(r["from_stage"], r["cohort_month"]): (r["entered_from"], r["converted"])
                for r in truth["funnel_conversion"] if r["dimension_name"] == "all"}
    assert actual == expected


def test_account_cohort_conversion_counts_accounts_by_the_month_they_entered_the_stage(semantic_demo):
    """Account cohorts by name equal the cohorts counted here in Python from fct_account_funnel's
    stage times (reporting-time-zone months, adjacent stages), not from the report."""
    _, warehouse, _, _ = semantic_demo
    stages = load_definitions()["stages"]
    tz = ZoneInfo(load_definitions()["reporting"]["timezone"])
    columns = ", ".join(f"became_{stage}_at" for stage in stages)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        accounts = con.execute(f"select {columns} from marts_audit.fct_account_funnel").fetchall()
    expected: Counter = Counter()
    for times in accounts:
        for stage, earlier, later in zip(stages, times, times[1:]):
            if earlier is None:
                continue
            month = earlier.replace(tzinfo=dt.timezone.utc).astimezone(tz).strftime("%Y-%m-01")
            expected[(stage, month, "entered")] += 1
            expected[(stage, month, "converted")] += later is not None
    rows = mf_query(semantic_demo, ["account_cohort_entries", "account_cohort_conversions"],
                    ["account_conversion_cohort__from_stage", "metric_time__month"])
    actual: Counter = Counter()
    for row in rows:
        key = (row["account_conversion_cohort__from_stage"], row["metric_time__month"][:10])
        actual[(*key, "entered")] += int(number(row["account_cohort_entries"]))
        actual[(*key, "converted")] += int(number(row["account_cohort_conversions"]))
    assert sum(v for k, v in expected.items() if k[2] == "entered") > 0
    assert +actual == +expected


def test_opportunity_metrics_equal_ground_truth(semantic_demo):
    truth = semantic_demo[3]
    rows = mf_query(semantic_demo, ["opportunities", "won_opportunities", "won_revenue"], ["metric_time__month"])
    opportunities = truth["opportunities"]
    assert sum(number(row["opportunities"]) for row in rows) == len(opportunities)
    assert sum(number(row["won_opportunities"]) for row in rows) == sum(o["is_won"] for o in opportunities)
    assert sum(number(row["won_revenue"]) for row in rows) == Decimal(truth["won_revenue_reporting"])
    (overall,) = mf_query(semantic_demo, ["win_rate"])
    closed = [o for o in opportunities if o["is_closed"]]
    assert float(overall["win_rate"]) == pytest.approx(sum(o["is_won"] for o in closed) / len(closed))


def test_speed_to_lead_and_sla_compliance_follow_rpt_lead_sla(semantic_demo):
    _, warehouse, _, _ = semantic_demo
    (row,) = mf_query(semantic_demo, ["speed_to_lead_hours", "sla_compliance_rate"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        handoffs = con.execute(
            "select hours_to_first_touch_calendar, is_untouched, is_sla_breached from marts_audit.rpt_lead_sla"
        ).fetchall()
    touched_hours = [float(hours) for hours, untouched, _ in handoffs if not untouched]
    decided = [h for h in handoffs if not h[1] or h[2]]
    within = [h for h in decided if not h[1] and not h[2]]
    assert touched_hours and decided
    assert float(row["speed_to_lead_hours"]) == pytest.approx(statistics.median(touched_hours))
    assert float(row["sla_compliance_rate"]) == pytest.approx(len(within) / len(decided))


def test_every_metric_groups_by_the_person_dimensions(semantic_demo):
    truth = semantic_demo[3]
    group_by = [f"person__{dimension}" for dimension in DIMENSIONS]
    rows = mf_query(semantic_demo, ["mqls", "sqls"], group_by)
    assert sum(number(row["mqls"]) for row in rows) == truth["stage_counts"]["mql"]
    for metrics in (["opportunities", "won_revenue", "win_rate"], ["speed_to_lead_hours", "sla_compliance_rate"]):
        assert mf_query(semantic_demo, metrics, ["person__channel", "person__region", "person__segment"])


def test_every_marts_column_built_is_documented(semantic_demo):
    project, warehouse, _, _ = semantic_demo
    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    documented = {
        (node["name"], column): bool(spec.get("description", "").strip())
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts_audit"
        for column, spec in node["columns"].items()
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'marts_audit'"
        ).fetchall()
    assert built
    assert [column for column in built if not documented.get(column)] == []


# --- the closed loop by name: spend, cost per stage, CAC, attributed revenue, ROI and ROAS per model ---
# Expected values come from the demo generator's ground truth (spend, people, deals) and from plain SQL
# over marts_audit.fct_marketing_spend / fct_attribution, never from rpt_closed_loop* or a metric.

REPORTING_TZ = ZoneInfo(load_definitions()["reporting"]["timezone"])
ATTRIBUTION_MODELS = attribution_model_names(load_definitions())


def reporting_month(utc_iso: str) -> str:
    """YYYY-MM of a UTC ISO timestamp in the reporting time zone."""
    moment = dt.datetime.fromisoformat(utc_iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(REPORTING_TZ).strftime("%Y-%m")


def truth_spend_by_month(truth) -> dict[str, Decimal]:
    months: dict[str, Decimal] = {}
    for by_month in truth["spend_by_channel_month"].values():
        for month, amount in by_month.items():
            months[month] = months.get(month, Decimal(0)) + Decimal(amount)
    return months


def by_month(rows, metric: str) -> dict[str, Decimal]:
    return {row["metric_time__month"][:7]: number(row[metric]) for row in rows}


def test_every_attribution_model_has_its_revenue_roi_and_roas_metrics(semantic_demo):
    project = semantic_demo[0]
    manifest = json.loads((project / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
    types = {metric["name"]: metric["type"] for metric in manifest["metrics"]}
    assert ATTRIBUTION_MODELS and "w_shaped" in ATTRIBUTION_MODELS
    for model in ATTRIBUTION_MODELS:
        assert (types.get(f"attributed_revenue_{model}"), types.get(f"roas_{model}"), types.get(f"roi_{model}")) == (
            "simple", "ratio", "derived"), model


def test_spend_is_the_spend_mart_counted_once_however_it_is_queried(semantic_demo):
    _, warehouse, _, truth = semantic_demo
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ((mart_total,),) = con.execute("select sum(cost_reporting) from marts_audit.fct_marketing_spend").fetchall()
        by_channel = dict(con.execute(
            "select channel, sum(cost_reporting) from marts_audit.fct_marketing_spend group by channel").fetchall())
    truth_total = sum(truth_spend_by_month(truth).values())
    assert mart_total == truth_total and mart_total > 0
    (row,) = mf_query(semantic_demo, ["spend"])
    assert number(row["spend"]) == mart_total
    # with a per-model metric beside it (its mart repeats spend on every model's row), by month, by channel
    (row,) = mf_query(semantic_demo, ["spend", "attributed_revenue_w_shaped", "roas_linear"])
    assert number(row["spend"]) == mart_total
    rows = mf_query(semantic_demo, ["spend"], ["metric_time__month"])
    assert {m: v for m, v in by_month(rows, "spend").items() if v} == {
        m: v for m, v in truth_spend_by_month(truth).items() if v}
    rows = mf_query(semantic_demo, ["spend", "roas_first_touch"], ["marketing_channel"])
    assert {row["marketing_channel"]: number(row["spend"]) for row in rows if number(row["spend"])} == {
        channel: amount for channel, amount in by_channel.items() if amount}


def test_cost_per_stage_and_cac_by_month_follow_spend_and_the_funnel(semantic_demo):
    truth = semantic_demo[3]
    spend = truth_spend_by_month(truth)
    counts = {stage: Counter(reporting_month(p[f"became_{stage}_at"]) for p in truth["persons"]
                             if p[f"became_{stage}_at"]) for stage in ("lead", "mql", "sql")}
    counts["opportunity"] = Counter(reporting_month(o["created_at"]) for o in truth["opportunities"])
    counts["won"] = Counter(reporting_month(o["closed_at"]) for o in truth["opportunities"] if o["is_won"])
    metrics = {"cost_per_lead": "lead", "cost_per_mql": "mql", "cost_per_sql": "sql",
               "cost_per_opportunity": "opportunity", "cac": "won"}
    rows = mf_query(semantic_demo, list(metrics), ["metric_time__month"])
    checked = 0
    for metric, stage in metrics.items():
        actual = by_month(rows, metric)
        for month, amount in spend.items():
            if counts[stage].get(month) and amount:
                assert float(actual[month]) == pytest.approx(float(amount) / counts[stage][month]), (metric, month)
                checked += 1
            else:
                assert row_value_is_null(rows, month, metric), (metric, month)
    assert checked > 10
    (overall,) = mf_query(semantic_demo, ["cac", "cost_per_lead"])
    total_spend = float(sum(spend.values()))
    assert float(overall["cac"]) == pytest.approx(total_spend / sum(counts["won"].values()))
    assert float(overall["cost_per_lead"]) == pytest.approx(total_spend / sum(counts["lead"].values()))


def row_value_is_null(rows, month: str, metric: str) -> bool:
    matching = [row for row in rows if row["metric_time__month"][:7] == month]
    return all(row[metric] in ("", None) for row in matching)


def test_each_model_credits_all_won_revenue_by_close_month(semantic_demo):
    truth = semantic_demo[3]
    won = {}
    for o in truth["opportunities"]:
        if o["is_won"]:
            month = reporting_month(o["closed_at"])
            won[month] = won.get(month, Decimal(0)) + Decimal(o["amount_reporting"])
    metrics = [f"attributed_revenue_{model}" for model in ATTRIBUTION_MODELS]
    rows = mf_query(semantic_demo, metrics, ["metric_time__month"])
    for metric in metrics:
        assert {m: v for m, v in by_month(rows, metric).items() if v} == won, metric
    (row,) = mf_query(semantic_demo, metrics)
    assert {metric: number(row[metric]) for metric in metrics} == {
        metric: Decimal(truth["won_revenue_reporting"]) for metric in metrics}


def test_roas_and_roi_per_model_by_channel_follow_fct_attribution_and_spend(semantic_demo):
    _, warehouse, _, _ = semantic_demo
    with duckdb.connect(str(warehouse), read_only=True) as con:
        spend = dict(con.execute(
            "select channel, sum(cost_reporting) from marts_audit.fct_marketing_spend group by channel").fetchall())
        credited = {}
        for model in ("first_touch", "w_shaped"):
            credited[model] = dict(con.execute(
                """
                select coalesce(attribution.channel, 'Unattributed'), sum(attribution.attributed_revenue)
                from marts_audit.fct_attribution as attribution
                join marts_audit.fct_opportunities as opportunities using (opportunity_id, source_system)
                where attribution.attribution_model = ? and attribution.is_won
                    and opportunities.closed_date_reporting is not null
                group by 1
                """, [model]).fetchall())
    assert credited["first_touch"] != credited["w_shaped"]
    rows = mf_query(semantic_demo, ["attributed_revenue_first_touch", "attributed_revenue_w_shaped", "roas_first_touch",
                                    "roas_w_shaped", "roi_w_shaped"], ["marketing_channel"])
    checked = 0
    for row in rows:
        channel = row["marketing_channel"]
        for model in ("first_touch", "w_shaped"):
            revenue = credited[model].get(channel, Decimal(0))
            assert number(row[f"attributed_revenue_{model}"]) == revenue, (model, channel)
            if spend.get(channel):
                assert float(row[f"roas_{model}"]) == pytest.approx(float(revenue / spend[channel])), (model, channel)
                checked += 1
            else:
                assert row[f"roas_{model}"] in ("", None), (model, channel)
        if spend.get(channel):
            revenue = credited["w_shaped"].get(channel, Decimal(0))
            assert float(row["roi_w_shaped"]) == pytest.approx(float((revenue - spend[channel]) / spend[channel]))
    assert checked >= 4
    assert {row["marketing_channel"] for row in rows} >= set(credited["w_shaped"]) | {c for c, v in spend.items() if v}


def test_the_readme_metric_queries_order_their_rows_and_run(semantic_demo):
    project, _, env, _ = semantic_demo
    readme = (PROJECT.parent / "README.md").read_text(encoding="utf-8")
    prefix = ".venv/bin/smarketing metrics query "
    examples = [line.split(prefix, 1)[1].split("  #")[0].split() for line in readme.splitlines() if prefix in line]
    assert len(examples) >= 7
    for arguments in examples:
        assert "--order" in arguments, arguments
        if "--csv" in arguments:
            del arguments[arguments.index("--csv"):arguments.index("--csv") + 2]
        result = subprocess.run([str(MF), "query", *arguments, "--quiet"], cwd=project, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (arguments, result.stdout[-2000:], result.stderr[-2000:])


# --- content impact by name: the metrics add up marts_audit.rpt_content_impact; the assets published per
# month come from the demo drop's content calendar itself.

CONTENT_METRICS = {
    "content_touches": "touches",
    "content_people_reached": "people_reached",
    "content_new_leads": "new_leads",
    "content_new_mqls": "new_mqls",
    "content_opportunities_influenced": "opportunities_influenced",
    "content_pipeline_influenced": "pipeline_influenced",
    "content_won_revenue_attributed": "won_revenue_attributed",
}


def test_content_metrics_by_month_and_asset_are_the_sums_of_rpt_content_impact(semantic_demo):
    _, warehouse, _, _ = semantic_demo
    sums = ", ".join(f"sum({column})" for column in CONTENT_METRICS.values())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_month_rows = con.execute(
            f"select strftime(impact_month, '%Y-%m'), {sums} from marts_audit.rpt_content_impact group by 1").fetchall()
        by_asset_rows = con.execute(
            f"select asset_name, {sums} from marts_audit.rpt_content_impact group by 1").fetchall()
    expected_by_month = {row[0]: tuple(Decimal(v) for v in row[1:]) for row in by_month_rows}
    expected_by_asset = {row[0]: tuple(Decimal(v) for v in row[1:]) for row in by_asset_rows}
    assert len(expected_by_asset) >= 10 and sum(v[0] for v in expected_by_asset.values()) > 0
    assert sum(v[6] for v in expected_by_asset.values()) > 0, "some won revenue is credited to content"

    rows = mf_query(semantic_demo, list(CONTENT_METRICS), ["metric_time__month"])
    actual = {row["metric_time__month"][:7]: tuple(number(row[m]) for m in CONTENT_METRICS) for row in rows}
    assert actual == expected_by_month
    rows = mf_query(semantic_demo, list(CONTENT_METRICS), ["content_impact_slice__asset_name"])
    actual = {row["content_impact_slice__asset_name"]: tuple(number(row[m]) for m in CONTENT_METRICS) for row in rows}
    assert actual == expected_by_asset


def test_content_published_assets_by_month_follow_the_demo_content_calendar(semantic_demo):
    project = semantic_demo[0]
    calendar = project.parent / "exports" / "content" / "content_calendar.csv"
    with calendar.open(newline="", encoding="utf-8-sig") as handle:
        expected = Counter(row["published_date"][:7] for row in csv.DictReader(handle))
    rows = mf_query(semantic_demo, ["content_published_assets"], ["metric_time__month"])
    actual = {row["metric_time__month"][:7]: int(number(row["content_published_assets"])) for row in rows}
    assert {month: count for month, count in actual.items() if count} == dict(expected)
