"""A CLI run executes on an in-memory instance and streams its record into the persistent one the UI
reads (orchestration/run_record.py): the run shows there while it is under way, and once it ends the
record holds exactly the events worth recording, in order."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.run_record import RunRecorder, worth_recording


def persistent_instance(folder: Path) -> dg.DagsterInstance:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings.REPO_ROOT / "dagster.yaml", folder / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(folder))


def job_that_watches(target: dg.DagsterInstance | None, seen_during_run: list[dg.DagsterRunStatus]) -> dg.JobDefinition:
    """Two assets; the second, with ``target``, waits (30 s at most) until ``target`` holds this run and
    the first asset's materialization, and notes the run's status there."""
    @dg.asset
    def first() -> int:
        return 1

    @dg.asset(deps=[first])
    def second(context) -> int:
        context.log.info("an info line: not recorded")
        context.log.warning("a warning: recorded")
        # The record of this very run, read from the persistent instance before the run ends.
        deadline = time.monotonic() + 30
        while target is not None and time.monotonic() < deadline:
            run = target.get_run_by_id(context.run_id)
            materialized = target.get_latest_materialization_event(dg.AssetKey("first"))
            if run is not None and materialized is not None and materialized.run_id == context.run_id:
                seen_during_run.append(run.status)
                break
            time.sleep(0.05)
        return 2

    return dg.Definitions(assets=[first, second]).resolve_implicit_global_asset_job_def()


def test_the_record_streams_while_the_run_goes_and_ends_with_the_events_worth_keeping(tmp_path):
    target = persistent_instance(tmp_path / "home")
    seen_during_run: list[dg.DagsterRunStatus] = []
    job = job_that_watches(target, seen_during_run)
    with dg.DagsterInstance.ephemeral() as source:
        recorder = RunRecorder(source, target, interval=0.05).start()
        result = job.execute_in_process(instance=source)
        copied = recorder.finish()

        assert result.success
        # The persistent instance showed the run, started, with its first asset, before it ended.
        assert seen_during_run == [dg.DagsterRunStatus.STARTED]
        expected = [entry for entry in source.all_logs(result.run_id) if worth_recording(entry)]
        recorded = target.all_logs(result.run_id)
        assert copied == len(expected) == len(recorded)
        assert [(e.dagster_event_type, e.step_key, e.user_message) for e in recorded] == \
            [(e.dagster_event_type, e.step_key, e.user_message) for e in expected]
        # What the record leaves out: planned events, step bookkeeping, info logs.
        assert not any(e.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED for e in recorded)
        assert any(e.user_message == "a warning: recorded" for e in recorded)
        assert not any(e.user_message == "an info line: not recorded" for e in recorded)
        run = target.get_run_by_id(result.run_id)
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert target.get_run_record_by_id(result.run_id).end_time is not None


def test_a_run_already_recorded_is_left_as_it_is(tmp_path):
    target = persistent_instance(tmp_path / "home")
    job = job_that_watches(None, [])
    with dg.DagsterInstance.ephemeral() as source:
        result = job.execute_in_process(instance=source)
        first = RunRecorder(source, target)
        first.start()
        assert first.finish() > 0
        again = RunRecorder(source, target).start()
        assert again.finish() == 0
        assert len(target.all_logs(result.run_id)) == first.copied


def test_nothing_is_recorded_when_no_run_started(tmp_path):
    target = persistent_instance(tmp_path / "home")
    with dg.DagsterInstance.ephemeral() as source:
        recorder = RunRecorder(source, target, interval=0.01).start()
        assert recorder.finish() == 0
        assert recorder.run_id is None
    assert target.get_runs() == []
