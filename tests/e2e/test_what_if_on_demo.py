"""What-if on a demo warehouse, compared with the generator's oracle.

A demo company is built once through the pipeline; then a proposed definitions file is evaluated
with `smarketing what-if` (a higher MQL score threshold, as a future version) and with the Dagster
job `smarketing_what_if` (more excluded domains). The expected current and proposed counts come from
the oracle (demo_company/oracle.py) applied to the simulated records with each definitions document,
never from the SQL under test. Published tables must not change.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from demo_company import generate
from demo_company.clock import AS_OF
from demo_company.oracle import compute_ground_truth, definitions_from_document, email_domain, load_channel_vocabulary
from demo_company.simulate import simulate
from demo_company.clock import CANONICAL_AS_OF
from orchestration import settings
from orchestration.cli import demo_company_inputs, main
from orchestration.pipeline import run_pipeline
from orchestration.publish import SCRATCH_PREFIX
from warehouse_fingerprint import fingerprint

PEOPLE, SEED, PROFILE = 600, 23, "salesforce+hubspot"
METRICS = ("mqls", "sqls", "mql_cohort_sqls")


def published_fingerprint(warehouse: Path) -> dict[str, tuple]:
    """Every table and view outside `whatif`."""
    return fingerprint(warehouse, exclude=("whatif",))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("what_if")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    generate(drop, people=PEOPLE, seed=SEED, profile=PROFILE, as_of=CANONICAL_AS_OF.date(), **demo_company_inputs())
    outcome = run_pipeline(drop, warehouse)
    assert outcome.success, outcome.failures
    manifest = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
    return {
        "root": root,
        "warehouse": warehouse,
        "records": simulate(PEOPLE, SEED, PROFILE).drop,
        "published": published_fingerprint(warehouse),
        "manifest_mtime": manifest.stat().st_mtime_ns if manifest.exists() else None,
    }


def governed_document() -> dict:
    return yaml.safe_load(settings.DEFINITIONS_FILE.read_text(encoding="utf-8"))


def oracle_slices(records, document: dict, on: dt.date, attributes: dict[str, dict[str, str | None]]):
    """{(dimension, slice): {mqls, sqls, mql_cohort_sqls}} from the oracle's stage times.

    Months are UTC calendar months: an MQL and its cohort's SQL count in the MQL month, an SQL in
    its SQL month. Channel and region are the person's attributes in the published funnel."""
    channels = load_channel_vocabulary(demo_company_inputs()["seeds_dir"])
    truth = compute_ground_truth(records, definitions_from_document(document, on, channels))
    slices: dict[tuple, Counter] = defaultdict(Counter)
    for key, person in truth.persons.items():
        mql, sql = person.stages["mql"], person.stages["sql"]
        keys = [("total", "all")] + [(dim, attributes[key][dim]) for dim in ("channel", "region")]
        for slice_key in keys:
            slices[slice_key]["mqls"] += mql is not None
            slices[slice_key]["sqls"] += sql is not None
            slices[slice_key]["mql_cohort_sqls"] += mql is not None and sql is not None
        if mql is not None:
            month = ("month", mql.astimezone(dt.UTC).strftime("%Y-%m"))
            slices[month]["mqls"] += 1
            slices[month]["mql_cohort_sqls"] += sql is not None
        if sql is not None:
            slices[("month", sql.astimezone(dt.UTC).strftime("%Y-%m"))]["sqls"] += 1
    return {k: {m: v[m] for m in METRICS} for k, v in slices.items() if v["mqls"] or v["sqls"] or k[0] == "total"}


def person_attributes(warehouse: Path) -> dict[str, dict[str, str | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select person_key, channel, region from marts.fct_funnel").fetchall()
    return {key: {"channel": channel, "region": region} for key, channel, region in rows}


def stored(warehouse: Path, run_id: str) -> list[dict]:
    """The comparison rows of one what-if, from the warehouse's working file (BI reads only marts)."""
    with duckdb.connect(str(settings.working_path(warehouse)), read_only=True) as con:
        cursor = con.execute("select * from whatif.comparison where run_id = ?", [run_id])
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def assert_matches_oracle(rows: list[dict], current: dict, proposed: dict) -> None:
    for dimension in ("total", "month", "channel", "region"):
        actual = {(r["dimension"], r["slice"]): r for r in rows if r["dimension"] == dimension}
        keys = {k for k in (*current, *proposed) if k[0] == dimension}
        assert set(actual) == keys, dimension
        for key in keys:
            row = actual[key]
            for metric in METRICS:
                want_current = current.get(key, {}).get(metric, 0)
                want_proposed = proposed.get(key, {}).get(metric, 0)
                assert (row[f"{metric}_current"], row[f"{metric}_proposed"]) == (want_current, want_proposed), \
                    (key, metric)
            assert row["mqls_delta"] == row["mqls_proposed"] - row["mqls_current"]
            assert row["sqls_delta"] == row["sqls_proposed"] - row["sqls_current"]
            for side in ("current", "proposed"):
                mqls, cohort = row[f"mqls_{side}"], row[f"mql_cohort_sqls_{side}"]
                rate = row[f"mql_to_sql_rate_{side}"]
                assert rate == (None if mqls == 0 else pytest.approx(cohort / mqls)), (key, side)


@pytest.fixture(scope="module")
def threshold_proposal(demo):
    document = governed_document()
    version = copy.deepcopy(document["versions"][-1])
    version["version"] = "2027.1"
    version["effective_from"] = "2027-01-01"
    version["mql"]["score_threshold"] = version["mql"]["score_threshold"] + 20
    document["versions"].append(version)
    path = demo["root"] / "raise_threshold.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path, document


@pytest.fixture(scope="module")
def threshold_run(demo, threshold_proposal):
    path, _ = threshold_proposal
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["what-if", str(path), "--warehouse", str(demo["warehouse"])])
    return code, out.getvalue(), err.getvalue()


def test_cli_what_if_on_a_raised_threshold_prints_and_stores_the_oracle_numbers(demo, threshold_proposal,
                                                                                threshold_run):
    code, printed, err = threshold_run
    assert code == 0, err
    path, document = threshold_proposal
    run_id = re.search(r"run_id (\S+)", printed).group(1)
    rows = stored(demo["warehouse"], run_id)
    attributes = person_attributes(demo["warehouse"])
    current = oracle_slices(demo["records"], governed_document(), AS_OF.date(), attributes)
    proposed = oracle_slices(demo["records"], document, dt.date(2027, 1, 1), attributes)
    assert proposed[("total", "all")]["mqls"] < current[("total", "all")]["mqls"], "the proposal must bite"
    assert_matches_oracle(rows, current, proposed)

    meta = {(r["proposed_definition_version"], r["current_definition_version"], r["definitions_as_of"],
             r["proposed_file"], r["proposed_file_sha256"]) for r in rows}
    assert meta == {("2027.1", "2025.1", dt.date(2027, 1, 1), str(path),
                     hashlib.sha256(path.read_bytes()).hexdigest())}
    assert all(r["created_at"] is not None for r in rows)

    # The printed table says the same, line by line: <month> current proposed delta (x3).
    printed_months = {}
    for line in printed.splitlines():
        match = re.match(r"^(\d{4}-\d{2})\s+(-?\d+)\s+(-?\d+)\s+([+-]\d+)\s+(-?\d+)\s+(-?\d+)\s+([+-]\d+)", line)
        if match:
            printed_months[match.group(1)] = tuple(int(g) for g in match.groups()[1:])
    expected_months = {
        key[1]: (current.get(key, {}).get("mqls", 0), proposed.get(key, {}).get("mqls", 0),
                 proposed.get(key, {}).get("mqls", 0) - current.get(key, {}).get("mqls", 0),
                 current.get(key, {}).get("sqls", 0), proposed.get(key, {}).get("sqls", 0),
                 proposed.get(key, {}).get("sqls", 0) - current.get(key, {}).get("sqls", 0))
        for key in {*current, *proposed} if key[0] == "month"
    }
    assert printed_months == expected_months
    total = current[("total", "all")], proposed[("total", "all")]
    assert re.search(rf"^total\s+{total[0]['mqls']}\s+{total[1]['mqls']}\s+", printed, re.M)


@pytest.fixture(scope="module")
def exclusion_run(demo, threshold_run):
    """More excluded domains (the three most common company domains of the demo's people), through the
    Dagster job."""
    from orchestration.definitions import defs
    from orchestration.defs.what_if import WHAT_IF_JOB_NAME

    document = governed_document()
    exclusions = document["versions"][0]["mql"]["exclusions"]
    excluded = {d for domains in exclusions.values() for d in domains}
    records = demo["records"]
    emails = [r.email for r in (*records.sf_leads, *records.sf_contacts, *records.hs_contacts)]
    domains = Counter(d for d in map(email_domain, emails) if d and d not in excluded)
    exclusions["competitor_domains"] = exclusions["competitor_domains"] + [d for d, _ in domains.most_common(3)]
    path = demo["root"] / "more_exclusions.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = defs.resolve_job_def(WHAT_IF_JOB_NAME).execute_in_process(
        run_config={
            "ops": {"evaluate_proposed_definitions": {"config": {"proposed_file": str(path)}}},
            "resources": {"warehouse": {"config": {"path": str(demo["warehouse"])}}},
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return result, document


def test_what_if_job_is_defined():
    from orchestration.definitions import defs

    job = defs.resolve_job_def("smarketing_what_if")
    assert [node.name for node in job.nodes] == ["evaluate_proposed_definitions"]


def test_dagster_job_on_more_exclusions_stores_the_oracle_numbers(demo, exclusion_run):
    result, document = exclusion_run
    assert result.success
    rows = stored(demo["warehouse"], result.run_id)
    attributes = person_attributes(demo["warehouse"])
    current = oracle_slices(demo["records"], governed_document(), AS_OF.date(), attributes)
    as_of = rows[0]["definitions_as_of"]
    proposed = oracle_slices(demo["records"], document, as_of, attributes)
    assert proposed[("total", "all")]["mqls"] < current[("total", "all")]["mqls"], "the proposal must bite"
    assert_matches_oracle(rows, current, proposed)
    output = result.output_for_node("evaluate_proposed_definitions")
    assert f"run_id {result.run_id}" in output and "whole funnel" in output


def test_published_tables_and_the_dbt_manifest_are_unchanged(demo, threshold_run, exclusion_run,
                                                             sla_and_attribution_run):
    assert threshold_run[0] == 0 and exclusion_run[0].success
    assert published_fingerprint(demo["warehouse"]) == demo["published"]
    manifest = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
    assert (manifest.stat().st_mtime_ns if manifest.exists() else None) == demo["manifest_mtime"]
    leftovers = [p.name for p in settings.working_path(demo["warehouse"]).parent.iterdir()
                 if p.name.startswith(SCRATCH_PREFIX)]
    assert not leftovers


# --- the handoff SLA and the attribution weights -------------------------------------------------
# Expected: the published rpt_lead_sla's hours and times judged in Python by each SLA (calendar
# clock; exactly sla_hours is within), and the published fct_attribution's first_touch credit, which
# a u_shaped model reweighted to {first_touch: 1} must reproduce.

SLA_HOURS_PROPOSED = 48


@pytest.fixture(scope="module")
def sla_and_attribution_run(demo, exclusion_run):
    document = governed_document()
    version = copy.deepcopy(document["versions"][-1])
    version.update(version="2027.2", effective_from="2027-02-01")
    assert version["handoff"]["sla_clock"] == "calendar" and version["handoff"]["sla_hours"] < SLA_HOURS_PROPOSED
    version["handoff"]["sla_hours"] = SLA_HOURS_PROPOSED
    version["attribution"]["models"]["u_shaped"] = {"positions": {"first_touch": 1}}
    document["versions"].append(version)
    path = demo["root"] / "sla_and_attribution.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["what-if", str(path), "--warehouse", str(demo["warehouse"])])
    assert code == 0, err.getvalue()
    run_id = re.search(r"run_id (\S+)", out.getvalue()).group(1)
    with duckdb.connect(str(settings.working_path(demo["warehouse"])), read_only=True) as con:
        tables = {}
        for table in ("sla_comparison", "attribution_comparison"):
            cursor = con.execute(f"select * from whatif.{table} where run_id = ?", [run_id])
            names = [c[0] for c in cursor.description]
            tables[table] = [dict(zip(names, row)) for row in cursor.fetchall()]
    return out.getvalue(), tables


def judged(handoff: dict, sla_hours: float) -> str:
    if handoff["is_untouched"]:
        elapsed = (handoff["as_of_at"] - handoff["handed_off_at"]).total_seconds() / 3600
        return "breached" if elapsed > sla_hours else "pending"
    return "breached" if float(handoff["hours_to_first_touch_calendar"]) > sla_hours else "within"


def test_sla_change_shows_breaches_and_pending_by_team_and_owner(demo, sla_and_attribution_run):
    printed, tables = sla_and_attribution_run
    with duckdb.connect(str(demo["warehouse"]), read_only=True) as con:
        cursor = con.execute("select owner_department as team, owner, is_untouched, as_of_at, handed_off_at, "
                             "hours_to_first_touch_calendar, sla_hours from marts.rpt_lead_sla")
        names = [c[0] for c in cursor.description]
        handoffs = [dict(zip(names, row)) for row in cursor.fetchall()]
    current_hours = {float(h["sla_hours"]) for h in handoffs}
    assert len(current_hours) == 1 and handoffs
    (current_sla,) = current_hours

    expected: dict[tuple, Counter] = defaultdict(Counter)
    for handoff in handoffs:
        for key in (("total", None, None), ("team", handoff["team"], None), ("owner", handoff["team"], handoff["owner"])):
            expected[key]["handoffs"] += 1
            for side, hours in (("current", current_sla), ("proposed", SLA_HOURS_PROPOSED)):
                expected[key][f"{judged(handoff, hours)}_{side}"] += 1
    actual = {(r["level"], r["team"], r["owner"]): r for r in tables["sla_comparison"]}
    assert set(actual) == set(expected)
    for key, counts in expected.items():
        row = actual[key]
        assert (row["handoffs_current"], row["handoffs_proposed"]) == (counts["handoffs"], counts["handoffs"]), key
        for side in ("current", "proposed"):
            assert (row[f"breached_{side}"], row[f"pending_{side}"]) == (
                counts[f"breached_{side}"], counts[f"pending_{side}"]), (key, side)
            decided = counts[f"breached_{side}"] + counts[f"within_{side}"]
            assert row[f"breach_rate_{side}"] == (
                None if decided == 0 else pytest.approx(counts[f"breached_{side}"] / decided)), (key, side)
    total = actual[("total", None, None)]
    assert total["breached_proposed"] < total["breached_current"], "the proposal must bite"
    assert re.search(rf"^all handoffs\s+{total['breached_current']}\s+{total['breached_proposed']}\s+"
                     rf"{total['breached_delta']:+d}\s+{total['pending_current']}\s+{total['pending_proposed']}",
                     printed, re.M)


def test_attribution_weights_change_shows_revenue_by_channel(demo, sla_and_attribution_run):
    printed, tables = sla_and_attribution_run
    with duckdb.connect(str(demo["warehouse"]), read_only=True) as con:
        published = {(model, channel): revenue for model, channel, revenue in con.execute(
            "select attribution_model, coalesce(channel, 'Unattributed'), sum(attributed_revenue) "
            "from marts.fct_attribution where is_won group by 1, 2").fetchall()}
    rows = {(r["attribution_model"], r["channel"]): r for r in tables["attribution_comparison"]}
    assert set(rows) == set(published) | {("u_shaped", c) for (m, c) in published if m == "first_touch"}
    for (model, channel), row in rows.items():
        assert row["revenue_current"] == published.get((model, channel), 0), (model, channel)
        want = published.get(("first_touch", channel), 0) if model == "u_shaped" else published[(model, channel)]
        assert row["revenue_proposed"] == want, (model, channel)
        assert row["revenue_delta"] == row["revenue_proposed"] - row["revenue_current"]
    assert any(rows[k]["revenue_delta"] for k in rows if k[0] == "u_shaped"), "the proposal must bite"
    section = printed.split("won revenue by attribution model and channel (models whose credit changes)\n", 1)[1]
    section = section.split("\n\n", 1)[0]
    assert [line for line in section.splitlines() if not line.startswith(" ")] == ["u_shaped"]
    assert len(section.splitlines()) == 2 + sum(1 for model, _ in rows if model == "u_shaped")
