"""What-if: validation, errors and dbt arguments (no warehouse build; see tests/e2e/test_what_if.py)."""

import copy
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration import settings
from orchestration.cli import main
from orchestration.funnel_definitions import DBT_VAR, load_definitions
from orchestration.what_if import AS_OF_VAR, default_as_of, what_if_dbt_args


def governed_document() -> dict:
    return yaml.safe_load(settings.DEFINITIONS_FILE.read_text(encoding="utf-8"))


def write_document(path: Path, document: dict) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def with_future_version(document: dict, effective_from: str) -> dict:
    document = copy.deepcopy(document)
    version = copy.deepcopy(document["versions"][-1])
    version.update(version="next", effective_from=effective_from)
    document["versions"].append(version)
    return document


def test_a_future_version_is_evaluated_on_its_effective_date(tmp_path):
    definitions = load_definitions(write_document(tmp_path / "p.yml", with_future_version(governed_document(),
                                                                                          "2031-02-01")))
    assert default_as_of(definitions, today=dt.date(2026, 11, 26)) == dt.date(2031, 2, 1)


def test_versions_already_in_force_are_evaluated_today(tmp_path):
    definitions = load_definitions(write_document(tmp_path / "p.yml", with_future_version(governed_document(),
                                                                                          "2026-03-01")))
    assert default_as_of(definitions, today=dt.date(2026, 11, 26)) == dt.date(2026, 11, 26)


def test_dbt_builds_the_compared_marts_into_the_scratch_folder_with_the_proposed_definitions(tmp_path):
    definitions = load_definitions()
    args = what_if_dbt_args(definitions, dt.date(2027, 1, 1), tmp_path)
    assert args[0] == "run"
    assert args[args.index("--select") + 1] == "+fct_funnel"
    # The project's own target folder holds the manifest the Dagster assets are built from.
    assert args[args.index("--target-path") + 1] == str(tmp_path / "target")
    assert args[args.index("--log-path") + 1] == str(tmp_path / "logs")
    variables = json.loads(args[args.index("--vars") + 1])
    assert variables == {DBT_VAR: definitions, AS_OF_VAR: "2027-01-01"}


def test_an_invalid_proposal_is_refused_with_the_key_path(tmp_path, capsys):
    document = governed_document()
    document["versions"][0]["mql"]["score_threshold"] = -5
    proposed = write_document(tmp_path / "proposed.yml", document)
    assert main(["what-if", str(proposed), "--warehouse", str(tmp_path / "absent.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "versions[0].mql.score_threshold must be a positive number" in err
    assert str(proposed) in err


def test_a_missing_warehouse_is_reported(tmp_path, capsys):
    proposed = write_document(tmp_path / "proposed.yml", governed_document())
    warehouse = tmp_path / "absent.duckdb"
    assert main(["what-if", str(proposed), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "does not exist yet" in err and "smarketing run" in err
    assert not warehouse.exists()


def test_a_warehouse_that_was_only_ingested_is_reported_as_not_built(tmp_path, capsys):
    proposed = write_document(tmp_path / "proposed.yml", governed_document())
    warehouse = tmp_path / "ingested.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_salesforce; create table raw_salesforce.lead (id varchar)")
    assert main(["what-if", str(proposed), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "has not been built yet" in err and "marts.fct_funnel" in err
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {row[0] for row in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert "whatif" not in schemas


def test_the_what_if_job_fails_with_the_key_path_of_an_invalid_proposal(tmp_path):
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.what_if import WHAT_IF_JOB_NAME

    document = governed_document()
    document["versions"][0]["handoff"]["sla_clock"] = "lunar"
    proposed = write_document(tmp_path / "proposed.yml", document)
    result = defs.resolve_job_def(WHAT_IF_JOB_NAME).execute_in_process(
        run_config={
            "ops": {"evaluate_proposed_definitions": {"config": {"proposed_file": str(proposed)}}},
            "resources": {"warehouse": {"config": {"path": str(tmp_path / "absent.duckdb")}}},
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    assert "versions[0].handoff.sla_clock must be 'calendar' or 'business'" in str(
        failures[0].step_failure_data.user_failure_data.description)


def test_the_evaluated_version_alone_judges_the_whole_history():
    from orchestration.what_if import LEAD_SLA_AS_OF_VAR, evaluated_definitions

    document = with_future_version(governed_document(), "2027-01-01")
    definitions = json.loads(json.dumps(document, default=str))
    definitions["versions"][-1]["handoff"]["sla_hours"] = 48
    evaluated = evaluated_definitions(definitions, dt.date(2027, 1, 1))
    assert [(v["version"], v["effective_from"], v["handoff"]["sla_hours"]) for v in evaluated["versions"]] == [
        ("next", definitions["versions"][0]["effective_from"], 48)]
    args = what_if_dbt_args(definitions, dt.date(2027, 1, 1), Path("/tmp/x"),
                            dt.datetime(2026, 11, 30, 8, 15, 0))
    variables = json.loads(args[args.index("--vars") + 1])
    assert variables[LEAD_SLA_AS_OF_VAR] == "2026-11-30 08:15:00"
    assert variables[DBT_VAR] == evaluated
    assert args[args.index("--select") + 1:args.index("--select") + 4] == ["+fct_funnel", "+rpt_lead_sla",
                                                                           "+fct_attribution"]
