"""Runs the UI, the schedule or the sensor start read the export folder by the CLI's rule and stop
on a drop with nothing usable, as `smarketing run` does (exit 4)."""

from __future__ import annotations

import dagster as dg

from orchestration import settings
from orchestration.defs.automation import export_drop_sensor
from orchestration.resources import ExportsResource


def run_job(tmp_path, exports_config: dict) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    return defs.resolve_job_def("smarketing_pipeline").execute_in_process(
        run_config={"resources": {"exports": {"config": exports_config},
                                  "warehouse": {"config": {"path": str(tmp_path / "w.duckdb")}}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def failure_messages(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.step_failure_data.error.message.strip() for e in result.all_events if e.is_step_failure}


def test_the_ui_reads_the_export_folder_the_cli_names_when_the_run_starts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(settings.EXPORTS_ENV, raising=False)
    assert ExportsResource().resolved_path() == settings.exports_dir() == tmp_path / "exports"
    monkeypatch.setenv(settings.EXPORTS_ENV, str(tmp_path / "drop"))
    assert ExportsResource().resolved_path() == settings.exports_dir() == tmp_path / "drop"


def test_a_ui_run_on_a_missing_folder_fails_before_anything_is_built_or_published(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.EXPORTS_ENV, str(tmp_path / "missing"))
    result = run_job(tmp_path, {})  # no path in the launchpad: the environment's folder
    assert not result.success
    assert failure_messages(result) == {
        f"dagster._core.definitions.events.Failure: no usable input: the export folder {tmp_path / 'missing'} does "
        "not exist; nothing was loaded or published"}
    stepped = {e.step_key for e in result.all_events if e.is_step_start}
    assert stepped == {"ingest_salesforce", "ingest_hubspot", "ingest_marketo", "ingest_spend", "ingest_targets",
                       "ingest_content"}
    assert not (tmp_path / "w.duckdb").exists()


def test_a_ui_run_on_an_empty_folder_fails_like_the_cli(tmp_path):
    (tmp_path / "exports").mkdir()
    result = run_job(tmp_path, {"path": str(tmp_path / "exports")})
    assert not result.success
    assert failure_messages(result) == {
        f"dagster._core.definitions.events.Failure: no usable input: the export folder {tmp_path / 'exports'} holds no "
        "export files; nothing was loaded or published"}
    assert not any(e.is_step_materialization for e in result.all_events)


def test_the_sensor_says_when_the_export_folder_is_missing(tmp_path):
    context = dg.build_sensor_context(resources={"exports": ExportsResource(path=str(tmp_path / "missing"))})
    skipped = export_drop_sensor(context)
    assert isinstance(skipped, dg.SkipReason)
    assert skipped.skip_message == (f"the export folder {tmp_path / 'missing'} does not exist (set the exports "
                                    f"resource's path or ${settings.EXPORTS_ENV})")
