import dagster as dg

from orchestration.defs.automation import export_drop_sensor
from orchestration.resources import ExportsResource


def evaluate(folder, cursor=None):
    context = dg.build_sensor_context(cursor=cursor, resources={"exports": ExportsResource(path=str(folder))})
    return export_drop_sensor(context), context


def test_sensor_starts_a_run_when_files_land_and_not_again_for_the_same_files(tmp_path):
    result, _ = evaluate(tmp_path)
    assert isinstance(result, dg.SkipReason)

    (tmp_path / "salesforce").mkdir()
    (tmp_path / "salesforce" / "Lead.csv").write_text("Id,Status,CreatedDate\n")
    first, context = evaluate(tmp_path)
    assert isinstance(first, dg.RunRequest)
    assert context.cursor == first.run_key

    again, _ = evaluate(tmp_path, cursor=first.run_key)
    assert isinstance(again, dg.SkipReason)

    (tmp_path / "salesforce" / "Contact.csv").write_text("Id,CreatedDate\n")
    second, _ = evaluate(tmp_path, cursor=first.run_key)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key


def test_files_outside_the_source_folders_do_not_trigger_runs(tmp_path):
    (tmp_path / "_ground_truth").mkdir()
    (tmp_path / "_ground_truth" / "ground_truth.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("hello")
    result, _ = evaluate(tmp_path)
    assert isinstance(result, dg.SkipReason)


def test_a_new_file_in_a_dated_subfolder_starts_a_run_and_an_unchanged_tree_does_not(tmp_path):
    (tmp_path / "salesforce").mkdir()
    (tmp_path / "salesforce" / "Lead.csv").write_text("Id,Status,CreatedDate\n")
    first, _ = evaluate(tmp_path)
    assert isinstance(first, dg.RunRequest)

    (tmp_path / "salesforce" / "2026-11-08").mkdir()
    (tmp_path / "salesforce" / "2026-11-08" / "Lead.csv").write_text("Id,Status,CreatedDate\nL1,Open,2026-11-08\n")
    second, context = evaluate(tmp_path, cursor=first.run_key)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key

    unchanged, _ = evaluate(tmp_path, cursor=context.cursor)
    assert isinstance(unchanged, dg.SkipReason)


def test_the_fingerprint_covers_every_file_discovery_plans(tmp_path):
    from ingest import loader

    (tmp_path / "salesforce" / "2026-11-08" / "deeper").mkdir(parents=True)
    (tmp_path / "salesforce" / "2026-11-08" / "deeper" / "Contact.csv").write_text("Id,CreatedDate\n")
    planned = [path for files in loader.plan_drop(tmp_path).files.values() for path in files]
    assert planned, "discovery loads files at any depth"
    before, _ = evaluate(tmp_path)
    planned[0].write_text("Id,CreatedDate\nC1,2026-11-08\n")
    after, _ = evaluate(tmp_path, cursor=before.run_key)
    assert isinstance(after, dg.RunRequest)
