"""`smarketing run --full-refresh` reaches dbt: the flag, the pipeline job's run config and the dbt
arguments the dbt asset builds from it (the rebuild itself is proven in tests/e2e/test_incremental_runs.py)."""

import dagster as dg

from orchestration.cli import build_parser
from orchestration.dbt_project import dbt_build_args
from orchestration.pipeline import pipeline_run_config


def test_the_run_command_takes_a_full_refresh_flag():
    assert build_parser().parse_args(["run", "--full-refresh"]).full_refresh is True
    assert build_parser().parse_args(["run"]).full_refresh is False


def test_only_a_full_refresh_passes_full_refresh_to_dbt():
    assert "--full-refresh" not in dbt_build_args()
    assert dbt_build_args(full_refresh=True) == [*dbt_build_args(), "--full-refresh"]


def test_the_pipeline_job_accepts_both_run_configs():
    from orchestration.definitions import defs
    from orchestration.defs.automation import PIPELINE_JOB_NAME

    job = defs.resolve_job_def(PIPELINE_JOB_NAME)
    for full_refresh in (False, True):
        config = pipeline_run_config("WARNING", full_refresh=full_refresh)
        assert dg.validate_run_config(job, config)
    assert pipeline_run_config("WARNING", full_refresh=True)["ops"]["smarketing_dbt_assets"]["config"] == {
        "full_refresh": True}
