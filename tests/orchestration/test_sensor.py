import dagster as dg

from orchestration.jobs import export_drop_sensor
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
