"""The Dagster code location loads and tells the story: export files -> raw -> staging -> marts."""

import dagster as dg
import pytest

from orchestration import settings
from orchestration.cli import build_parser


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def key(*path: str) -> dg.AssetKey:
    return dg.AssetKey(list(path))


def test_definitions_are_loadable(defs):
    dg.Definitions.validate_loadable(defs)


def test_lineage_runs_from_export_files_through_raw_staging_and_audit_to_published_marts(defs):
    graph = defs.resolve_asset_graph()
    assert key("exports", "salesforce", "lead") in graph.get(key("raw_salesforce", "lead")).parent_keys
    staging_parents = graph.get(key("staging", "stg_salesforce__leads")).parent_keys
    assert key("raw_salesforce", "lead") in staging_parents
    for mart in ("fct_funnel", "fct_opportunities", "rpt_lead_sla"):
        # dbt writes and tests each mart in the audit schema; the published copy comes only from there.
        assert graph.get(key("marts", mart)).parent_keys == {key("marts_audit", mart)}
    upstream = graph.get_ancestor_asset_keys(key("marts", "fct_funnel"))
    assert {key("raw_hubspot", "contacts"), key("intermediate", "int_persons_unified")} <= upstream


def test_every_dbt_mart_is_published_and_nothing_else(defs):
    graph = defs.resolve_asset_graph()
    mart_models = {path.stem for path in (settings.DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    audited = {k.path[1] for k in graph.get_all_asset_keys() if k.path[0] == "marts_audit"}
    published = {k.path[1] for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert {"fct_funnel", "fct_opportunities", "rpt_lead_sla"} <= mart_models
    assert mart_models <= audited
    assert published == mart_models


def test_dbt_tests_and_the_revenue_gate_are_asset_checks_on_the_audited_marts(defs):
    graph = defs.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    gate = dg.AssetCheckKey(key("marts_audit", "fct_opportunities"), "won_revenue_reconciles_to_crm")
    assert gate in check_keys
    dbt_checks = [k for k in check_keys if k.asset_key == key("marts_audit", "fct_funnel")]
    assert dbt_checks, "dbt tests on fct_funnel should surface as asset checks"
    assert graph.get_check_spec(gate).blocking
    attribution_gate = dg.AssetCheckKey(key("marts_audit", "fct_attribution"), "attribution_reconciles_to_won_revenue")
    assert attribution_gate in check_keys and graph.get_check_spec(attribution_gate).blocking
    for mart, name in (("fct_opportunities", "deal_stages_are_classified"),
                       ("fct_marketing_spend", "spend_reconciles_to_inputs"),
                       ("rpt_closed_loop", "closed_loop_is_consistent")):
        closed_loop_gate = dg.AssetCheckKey(key("marts_audit", mart), name)
        assert closed_loop_gate in check_keys and graph.get_check_spec(closed_loop_gate).blocking


def test_what_if_job_is_defined_and_writes_the_warehouse_in_its_pool(defs):
    from orchestration.resources import WAREHOUSE_POOL

    job = defs.resolve_job_def("smarketing_what_if")
    (node,) = job.nodes
    assert node.definition.pool == WAREHOUSE_POOL
    assert "proposed_file" in node.definition.config_schema.config_type.fields


def test_schedule_and_sensor_target_the_pipeline_job(defs):
    schedule = defs.resolve_schedule_def("smarketing_daily")
    sensor = defs.resolve_sensor_def("export_drop_sensor")
    assert schedule.job_name == "smarketing_pipeline"
    assert sensor.job_name == "smarketing_pipeline"


def test_the_monthly_schedule_writes_the_newsletter_of_the_month_just_ended(defs):
    schedule = defs.resolve_schedule_def("smarketing_monthly_newsletter")
    assert schedule.job_name == "smarketing_newsletter" and schedule.cron_schedule == "0 7 1 * *"
    import datetime as dt

    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2027, 1, 1, 7, tzinfo=dt.UTC))
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.run_key == "2026-12"
    assert request.run_config == {"ops": {"write_monthly_newsletter": {"config": {"month": "2026-12"}}}}


def test_cli_exposes_the_documented_commands():
    parser = build_parser()
    for argv in (["run", "--exports", "x"], ["ingest", "--exports", "x"], ["generate", "--out", "x"],
                 ["demo"], ["definitions", "--json"], ["prepare"],
                 ["what-if", "p.yml", "--warehouse", "w"], ["newsletter", "--month", "2026-10", "--out", "x"]):
        assert parser.parse_args(argv).func


def test_dagster_cli_validates_the_code_location():
    import subprocess
    import sys
    from pathlib import Path

    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All code locations passed validation" in result.stdout + result.stderr


def test_dbt_resource_skips_the_version_probe_and_the_in_process_adapter():
    """The overrides only work while dagster-dbt still calls these two members before each invocation."""
    from importlib.metadata import version as installed_version

    from dagster_dbt import DbtCliResource
    from packaging.version import Version

    from orchestration.dbt_cli import dbt_cli_resource as dbt_resource

    assert {"_cli_version", "_initialize_dbt_core_adapter"} <= set(dir(DbtCliResource))
    resource = dbt_resource()
    assert resource._cli_version == Version(installed_version("dbt-core"))
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_saved_dbt_parse_state_is_readable_by_dbt_so_runs_parse_partially():
    """dbt reloads target/partial_parse.msgpack before every invocation; when it cannot (a YAML
    mapping with integer keys in any model file is enough) it silently re-parses the whole project,
    which costs every pipeline run, what-if and test several seconds."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    from orchestration.dbt_project import dbt_project

    state = dbt_project().project_dir / "target" / "partial_parse.msgpack"
    assert state.exists(), "smarketing prepare writes the parse state"
    manifest = Manifest.from_msgpack(state.read_bytes(), decoder=extended_mashumuro_decoder)
    assert any(node.startswith("model.smarketing.fct_funnel") for node in manifest.nodes)
    assert manifest.unit_tests, "unit tests (and their var overrides) are part of the parse state"
