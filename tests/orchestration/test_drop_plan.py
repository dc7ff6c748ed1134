"""The export drop is planned once per run, by `smarketing run` and by a run the schedule, the
sensor or the UI starts alike, and every ingest step loads the files of that one plan."""

import dagster as dg
import pytest

from ingest import loader
from orchestration.pipeline import run_pipeline


@pytest.fixture
def counted_plans(monkeypatch):
    calls = []
    plan_drop = loader.plan_drop

    def counting(exports_dir):
        calls.append(exports_dir)
        return plan_drop(exports_dir)

    monkeypatch.setattr(loader, "plan_drop", counting)
    return calls


@pytest.fixture
def drop(tmp_path):
    (tmp_path / "exports" / "salesforce").mkdir(parents=True)
    (tmp_path / "exports" / "salesforce" / "Lead.csv").write_text("Id,Status,CreatedDate\n")
    (tmp_path / "exports" / "hubspot").mkdir()
    return tmp_path / "exports"


def test_smarketing_run_plans_the_drop_once(tmp_path, drop, counted_plans):
    outcome = run_pipeline(drop, tmp_path / "w.duckdb", ingest_only=True)
    assert outcome.success, outcome.failures
    assert counted_plans == [drop]


def test_a_job_run_plans_the_drop_once_for_all_its_ingest_steps(tmp_path, drop, counted_plans):
    from orchestration.definitions import defs

    raw = [key for key in defs.resolve_all_asset_keys() if key.path[0].startswith("raw_")]
    result = defs.resolve_job_def("smarketing_pipeline").execute_in_process(
        run_config={"resources": {"exports": {"config": {"path": str(drop)}},
                                  "warehouse": {"config": {"path": str(tmp_path / "w.duckdb")}}}},
        asset_selection=raw,
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert len({e.step_key for e in result.all_events if e.is_step_success}) > 1
    assert counted_plans == [drop]
