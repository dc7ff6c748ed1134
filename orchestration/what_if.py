"""What-if: how a proposed definitions file would change the funnel, without publishing anything.

``run_what_if(proposed, warehouse)`` validates the proposed file, copies the warehouse's working
file (orchestration/publish.py) to a scratch file beside it, rebuilds the governed funnel
(``fct_funnel`` and everything it reads) in the copy with the proposed definitions, and compares
the copy's funnel with the published ``marts.fct_funnel``: MQLs, SQLs and MQL->SQL conversion by
month, channel, original source and region. The comparison is stored in ``whatif.comparison`` of
the working file (one row per run and slice) and returned for printing.

The other governed rules are compared the same way, on the same copy:

- the handoff SLA (hours, clock, business hours): ``marts.rpt_lead_sla`` rebuilt with every
  handoff judged by the evaluated version's SLA, at the published report's as-of time, against
  the published one: handoffs, breached, pending and breach rate by team and owner
  (``whatif.sla_comparison``);
- the attribution models (weights, lookback): ``marts.fct_attribution`` rebuilt with the evaluated
  version against the published one: won revenue each model credits, by channel
  (``whatif.attribution_comparison``). The published file BI
tools read is only ever opened read-only; the what-if holds the run lock (orchestration/run_lock.py)
so no run writes the working file meanwhile.

``smarketing what-if`` and the Dagster job ``smarketing_what_if`` both call ``run_what_if``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from ingest.contracts import sql_string
from orchestration import run_lock, settings
from orchestration.dbt_project import DBT_FILE_LOG, dbt_executable
from orchestration.funnel_definitions import DBT_VAR, load_definitions, version_in_force
from orchestration.publish import SCRATCH_PREFIX, audited_relation, copy_database

FUNNEL_MART = "fct_funnel"
FUNNEL_RELATION = f"marts.{FUNNEL_MART}"
COMPARISON_SCHEMA = "whatif"
COMPARISON_TABLE = f"{COMPARISON_SCHEMA}.comparison"
SLA_COMPARISON_TABLE = f"{COMPARISON_SCHEMA}.sla_comparison"
ATTRIBUTION_COMPARISON_TABLE = f"{COMPARISON_SCHEMA}.attribution_comparison"
SLA_MART, ATTRIBUTION_MART = "rpt_lead_sla", "fct_attribution"
LEAD_SLA_AS_OF_VAR = "lead_sla_as_of"
AS_OF_VAR = "funnel_definitions_as_of"
# Slices of the comparison, in the order they are printed. `total` is the whole funnel; `month` is the
# UTC calendar month of the stage entry (as metric_time in the semantic layer); the others are the
# person's attributes in marts.fct_funnel.
PERSON_DIMENSIONS = ("channel", "original_source", "region")
DIMENSIONS = ("total", "month", *PERSON_DIMENSIONS)
TOTAL_SLICE = "all"

_PROPOSED_CATALOG = "proposed_warehouse"
_PUBLISHED_CATALOG = "published_warehouse"


class WhatIfError(RuntimeError):
    """The what-if could not be evaluated; the message says why and what to do."""


@dataclass
class WhatIfResult:
    run_id: str
    created_at: dt.datetime
    proposed_file: Path
    proposed_sha256: str
    proposed_version: str
    current_version: str
    as_of: dt.date
    rows: list[dict[str, Any]] = field(default_factory=list)
    sla_rows: list[dict[str, Any]] = field(default_factory=list)
    attribution_rows: list[dict[str, Any]] = field(default_factory=list)

    def rows_for(self, dimension: str) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["dimension"] == dimension]

    def report(self) -> str:
        return format_report(self)


def default_as_of(definitions: dict[str, Any], today: dt.date | None = None) -> dt.date:
    """The date whose version is evaluated: today in the reporting timezone, or the latest
    ``effective_from`` in the file when that is later (a proposal is usually a future version)."""
    if today is None:
        today = dt.datetime.now(ZoneInfo(definitions["reporting"]["timezone"])).date()
    latest = max(dt.date.fromisoformat(v["effective_from"]) for v in definitions["versions"])
    return max(today, latest)


def evaluated_definitions(definitions: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The definitions the proposed side is built with: the version in force on ``as_of`` alone,
    in force since the first version's date, so every handoff of the history is judged by its SLA
    (the funnel and attribution use the version in force on ``as_of`` either way)."""
    version = version_in_force(definitions, as_of)
    first = min(v["effective_from"] for v in definitions["versions"])
    return {**definitions, "versions": [{**version, "effective_from": first}]}


def what_if_dbt_args(definitions: dict[str, Any], as_of: dt.date, work_dir: Path,
                     lead_sla_as_of: dt.datetime | None = None) -> list[str]:
    """``dbt run`` of the funnel, lead SLA and attribution marts and their ancestors with the
    proposed definitions (the version in force on ``as_of``; ``evaluated_definitions``), the SLA at
    the published report's as-of time.

    The target and log folders are the scratch folder's, so the project's own manifest (which the
    Dagster assets are built from) and partial-parse state are never rewritten.
    """
    pinned = {AS_OF_VAR: as_of.isoformat()}
    if lead_sla_as_of is not None:
        pinned[LEAD_SLA_AS_OF_VAR] = lead_sla_as_of.strftime("%Y-%m-%d %H:%M:%S")
    variables = json.dumps({DBT_VAR: evaluated_definitions(definitions, as_of), **pinned}, sort_keys=True)
    return [
        "run",
        "--project-dir", str(settings.DBT_PROJECT_DIR),
        "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        *DBT_FILE_LOG,
        "--vars", variables,
        "--select", f"+{FUNNEL_MART}", f"+{SLA_MART}", f"+{ATTRIBUTION_MART}",
    ]


def run_what_if(
    proposed: Path | str,
    warehouse: Path | str,
    *,
    run_id: str | None = None,
    as_of: dt.date | None = None,
    log=None,
) -> WhatIfResult:
    """Evaluate ``proposed`` against the history in ``warehouse``; store and return the comparison.

    Raises DefinitionsError (naming the key path) for an invalid file, WhatIfError when the
    warehouse is missing, not built, in use, or dbt cannot build the proposed funnel.
    """
    say = log or (lambda message: None)
    proposed = Path(proposed).expanduser().resolve()
    warehouse = Path(warehouse).expanduser().resolve()
    definitions = load_definitions(proposed)
    proposed_sha256 = hashlib.sha256(proposed.read_bytes()).hexdigest()
    as_of = as_of or default_as_of(definitions)
    proposed_version = str(version_in_force(definitions, as_of)["version"])
    run_id = run_id or str(uuid.uuid4())

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(run_lock.hold(warehouse, phase="what-if"))
        except run_lock.WarehouseBusy as exc:
            raise WhatIfError(str(exc)) from None
        run_lock.set_phase(warehouse, "what-if")
        working = settings.working_path(warehouse)
        working.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=working.parent, prefix=f"{SCRATCH_PREFIX}whatif-") as scratch_dir:
            work_dir = Path(scratch_dir)
            scratch = work_dir / "warehouse.duckdb"
            current_version, sla_as_of = _copy_built_warehouse(warehouse, scratch)
            say(f"Evaluating {proposed.name} (version {proposed_version}, as of {as_of}) on a copy of {working}")
            _build_proposed_funnel(scratch, definitions, as_of, work_dir, sla_as_of)
            created_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            with _connect(working, read_only=False) as con:
                con.execute(f"attach {sql_string(str(scratch))} as {_PROPOSED_CATALOG} (read_only)")
                con.execute(f"attach {sql_string(str(warehouse))} as {_PUBLISHED_CATALOG} (read_only)")
                try:
                    con.execute(f"create schema if not exists {COMPARISON_SCHEMA}")
                    con.execute(CREATE_COMPARISON)
                    con.execute(INSERT_COMPARISON.format(proposed_funnel=audited_relation(FUNNEL_MART)),
                                [run_id, created_at, str(proposed), proposed_sha256, proposed_version,
                                 current_version, as_of])
                    con.execute(CREATE_SLA_COMPARISON)
                    con.execute(INSERT_SLA_COMPARISON.format(proposed_sla=audited_relation(SLA_MART)), [run_id])
                    con.execute(CREATE_ATTRIBUTION_COMPARISON)
                    con.execute(INSERT_ATTRIBUTION_COMPARISON.format(
                        proposed_attribution=audited_relation(ATTRIBUTION_MART)), [run_id])
                finally:
                    con.execute(f"detach {_PROPOSED_CATALOG}")
                    con.execute(f"detach {_PUBLISHED_CATALOG}")
                rows = read_comparison(con, run_id)
                sla_rows = _read(con, SLA_COMPARISON_TABLE, run_id, "level_order, team nulls last, owner nulls last")
                attribution_rows = _read(con, ATTRIBUTION_COMPARISON_TABLE, run_id,
                                         "model_order, attribution_model, channel")
    return WhatIfResult(run_id=run_id, created_at=created_at, proposed_file=proposed,
                        proposed_sha256=proposed_sha256, proposed_version=proposed_version,
                        current_version=current_version, as_of=as_of, rows=rows, sla_rows=sla_rows,
                        attribution_rows=attribution_rows)


def _connect(warehouse: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(warehouse), read_only=read_only)
    except duckdb.IOException as exc:
        raise WhatIfError(f"cannot open the warehouse {warehouse}: {exc} (is a pipeline run writing it? "
                          "try again when it has finished)") from None


def _copy_built_warehouse(warehouse: Path, scratch: Path) -> tuple[str, dt.datetime | None]:
    """Check the warehouse has been published, copy its working file (the run lock is held, so no
    run writes it meanwhile) and return the definitions version its published funnel was built with
    and the as-of time of its published lead SLA report."""
    if not warehouse.is_file():
        raise WhatIfError(f"the warehouse {warehouse} does not exist yet: build it first with "
                          "`smarketing run --exports <drop>` (or `smarketing demo`)")
    with _connect(warehouse, read_only=True) as con:
        built = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            FUNNEL_RELATION.split("."),
        ).fetchall()[0][0]
        if not built:
            raise WhatIfError(f"the warehouse {warehouse} has not been built yet ({FUNNEL_RELATION} is missing): "
                              "run `smarketing run --exports <drop>` first")
        versions = [row[0] for row in con.execute(
            f"select distinct definition_version from {FUNNEL_RELATION} order by 1").fetchall()]
        ((sla_as_of,),) = con.execute(f"select max(as_of_at) from marts.{SLA_MART}").fetchall()
    working = settings.working_path(warehouse)
    if not working.is_file():
        raise WhatIfError(f"the working file {working} of the warehouse {warehouse} is missing: run "
                          "`smarketing run --exports <drop>` first")
    copy_database(working, scratch)
    return ", ".join(str(v) for v in versions) or "(empty funnel)", sla_as_of


def _build_proposed_funnel(scratch: Path, definitions: dict[str, Any], as_of: dt.date, work_dir: Path,
                           sla_as_of: dt.datetime | None = None) -> None:
    env = {**os.environ, settings.WAREHOUSE_ENV: str(scratch)}
    completed = subprocess.run(
        [dbt_executable(), *what_if_dbt_args(definitions, as_of, work_dir, sla_as_of)],
        env=env, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip().splitlines()
        errors = [line for line in output if "error" in line.lower()] or output
        raise WhatIfError("dbt could not build the funnel with the proposed definitions:\n  "
                          + "\n  ".join(errors[-15:]))


CREATE_COMPARISON = f"""
create table if not exists {COMPARISON_TABLE} (
    run_id varchar not null,
    created_at timestamp not null,
    proposed_file varchar not null,
    proposed_file_sha256 varchar not null,
    proposed_definition_version varchar not null,
    current_definition_version varchar not null,
    definitions_as_of date not null,
    dimension varchar not null,
    slice varchar,
    mqls_current bigint not null,
    mqls_proposed bigint not null,
    mqls_delta bigint not null,
    sqls_current bigint not null,
    sqls_proposed bigint not null,
    sqls_delta bigint not null,
    mql_cohort_sqls_current bigint not null,
    mql_cohort_sqls_proposed bigint not null,
    mql_to_sql_rate_current double,
    mql_to_sql_rate_proposed double,
    mql_to_sql_rate_delta double
)
"""

_FUNNEL_COLUMNS = ", ".join((*PERSON_DIMENSIONS, "became_mql_at", "became_sql_at"))
_PERSON_SLICES = "\n    union all\n".join(
    f"    select side, '{dimension}' as dimension, cast({dimension} as varchar) as slice,\n"
    "        became_mql_at is not null, became_sql_at is not null,\n"
    "        became_mql_at is not null and became_sql_at is not null\n"
    "    from people"
    for dimension in PERSON_DIMENSIONS
)

# Each person contributes to a slice: an MQL, an SQL and/or an SQL of the slice's MQL cohort. For
# months an MQL and its cohort's SQL count in the MQL's month, an SQL in the SQL's month.
INSERT_COMPARISON = f"""
insert into {COMPARISON_TABLE}
with

current_funnel as (

    select {_FUNNEL_COLUMNS} from {_PUBLISHED_CATALOG}.{FUNNEL_RELATION}

),

proposed_funnel as (

    select {_FUNNEL_COLUMNS} from {_PROPOSED_CATALOG}.{{proposed_funnel}}

),

people as (

    select 'current' as side, * from current_funnel
    union all
    select 'proposed' as side, * from proposed_funnel

),

contributions (side, dimension, slice, is_mql, is_sql, is_mql_cohort_sql) as (

    select side, 'total', '{TOTAL_SLICE}',
        became_mql_at is not null, became_sql_at is not null,
        became_mql_at is not null and became_sql_at is not null
    from people
    union all
{_PERSON_SLICES}
    union all
    select side, 'month', strftime(became_mql_at, '%Y-%m'), true, false, became_sql_at is not null
    from people
    where became_mql_at is not null
    union all
    select side, 'month', strftime(became_sql_at, '%Y-%m'), false, true, false
    from people
    where became_sql_at is not null

),

slices as (

    select
        dimension,
        slice,
        count(*) filter (where side = 'current' and is_mql) as mqls_current,
        count(*) filter (where side = 'proposed' and is_mql) as mqls_proposed,
        count(*) filter (where side = 'current' and is_sql) as sqls_current,
        count(*) filter (where side = 'proposed' and is_sql) as sqls_proposed,
        count(*) filter (where side = 'current' and is_mql_cohort_sql) as mql_cohort_sqls_current,
        count(*) filter (where side = 'proposed' and is_mql_cohort_sql) as mql_cohort_sqls_proposed
    from contributions
    group by dimension, slice
    having count(*) filter (where is_mql or is_sql) > 0 or dimension = 'total'

),

final as (

    select
        cast(? as varchar) as run_id,
        cast(? as timestamp) as created_at,
        cast(? as varchar) as proposed_file,
        cast(? as varchar) as proposed_file_sha256,
        cast(? as varchar) as proposed_definition_version,
        cast(? as varchar) as current_definition_version,
        cast(? as date) as definitions_as_of,
        dimension,
        slice,
        mqls_current,
        mqls_proposed,
        mqls_proposed - mqls_current as mqls_delta,
        sqls_current,
        sqls_proposed,
        sqls_proposed - sqls_current as sqls_delta,
        mql_cohort_sqls_current,
        mql_cohort_sqls_proposed,
        mql_cohort_sqls_current / nullif(mqls_current, 0) as mql_to_sql_rate_current,
        mql_cohort_sqls_proposed / nullif(mqls_proposed, 0) as mql_to_sql_rate_proposed,
        mql_cohort_sqls_proposed / nullif(mqls_proposed, 0)
            - mql_cohort_sqls_current / nullif(mqls_current, 0) as mql_to_sql_rate_delta
    from slices

)

select * from final
"""

CREATE_SLA_COMPARISON = f"""
create table if not exists {SLA_COMPARISON_TABLE} (
    run_id varchar not null,
    level varchar not null,
    level_order integer not null,
    team varchar,
    owner varchar,
    handoffs_current bigint not null,
    handoffs_proposed bigint not null,
    breached_current bigint not null,
    breached_proposed bigint not null,
    breached_delta bigint not null,
    pending_current bigint not null,
    pending_proposed bigint not null,
    pending_delta bigint not null,
    breach_rate_current double,
    breach_rate_proposed double,
    breach_rate_delta double
)
"""

# A handoff is breached (is_sla_breached), pending (untouched, SLA not yet breached) or within the SLA;
# the breach rate is breached / decided (breached or within), as sla_compliance_rate's complement.
# One row for all handoffs, one per team and one per team and owner.
INSERT_SLA_COMPARISON = f"""
insert into {SLA_COMPARISON_TABLE}
with

handoffs as (

    select 'current' as side, owner_department as team, owner, is_sla_breached, is_untouched
    from {_PUBLISHED_CATALOG}.marts.{SLA_MART}
    union all
    select 'proposed' as side, owner_department as team, owner, is_sla_breached, is_untouched
    from {_PROPOSED_CATALOG}.{{proposed_sla}}

),

counted as (

    select
        case when grouping(team) = 1 then 'total' when grouping(owner) = 1 then 'team' else 'owner' end as level,
        case when grouping(team) = 1 then 0 when grouping(owner) = 1 then 1 else 2 end
            as level_order,
        team,
        owner,
        count(*) filter (where side = 'current') as handoffs_current,
        count(*) filter (where side = 'proposed') as handoffs_proposed,
        count(*) filter (where side = 'current' and is_sla_breached) as breached_current,
        count(*) filter (where side = 'proposed' and is_sla_breached) as breached_proposed,
        count(*) filter (where side = 'current' and is_untouched and not is_sla_breached) as pending_current,
        count(*) filter (where side = 'proposed' and is_untouched and not is_sla_breached) as pending_proposed
    from handoffs
    group by rollup (team, owner)

)

select
    cast(? as varchar) as run_id,
    level,
    level_order,
    team,
    owner,
    handoffs_current,
    handoffs_proposed,
    breached_current,
    breached_proposed,
    breached_proposed - breached_current as breached_delta,
    pending_current,
    pending_proposed,
    pending_proposed - pending_current as pending_delta,
    breached_current / nullif(handoffs_current - pending_current, 0) as breach_rate_current,
    breached_proposed / nullif(handoffs_proposed - pending_proposed, 0) as breach_rate_proposed,
    breached_proposed / nullif(handoffs_proposed - pending_proposed, 0)
        - breached_current / nullif(handoffs_current - pending_current, 0) as breach_rate_delta
from counted
"""

CREATE_ATTRIBUTION_COMPARISON = f"""
create table if not exists {ATTRIBUTION_COMPARISON_TABLE} (
    run_id varchar not null,
    attribution_model varchar not null,
    model_order integer,
    channel varchar not null,
    revenue_current decimal(18, 2) not null,
    revenue_proposed decimal(18, 2) not null,
    revenue_delta decimal(18, 2) not null
)
"""

# Won revenue each model credits to the touches of a channel ('Unattributed': revenue no touch earns),
# for every model either side has.
INSERT_ATTRIBUTION_COMPARISON = f"""
insert into {ATTRIBUTION_COMPARISON_TABLE}
with

credits as (

    select 'current' as side, attribution_model, model_order, coalesce(channel, 'Unattributed') as channel,
        attributed_revenue
    from {_PUBLISHED_CATALOG}.marts.{ATTRIBUTION_MART}
    where is_won
    union all
    select 'proposed' as side, attribution_model, model_order, coalesce(channel, 'Unattributed') as channel,
        attributed_revenue
    from {_PROPOSED_CATALOG}.{{proposed_attribution}}
    where is_won

),

by_channel as (

    select
        attribution_model,
        min(model_order) as model_order,
        channel,
        coalesce(sum(attributed_revenue) filter (where side = 'current'), 0) as revenue_current,
        coalesce(sum(attributed_revenue) filter (where side = 'proposed'), 0) as revenue_proposed
    from credits
    group by attribution_model, channel

)

select
    cast(? as varchar) as run_id,
    attribution_model,
    model_order,
    channel,
    revenue_current,
    revenue_proposed,
    revenue_proposed - revenue_current as revenue_delta
from by_channel
"""


def _read(con: duckdb.DuckDBPyConnection, table: str, run_id: str, order: str) -> list[dict[str, Any]]:
    cursor = con.execute(f"select * from {table} where run_id = ? order by {order}", [run_id])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


_DIMENSION_ORDER = " ".join(f"when '{d}' then {i}" for i, d in enumerate(DIMENSIONS))


def read_comparison(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """The stored comparison of one run, in print order."""
    cursor = con.execute(
        f"select * from {COMPARISON_TABLE} where run_id = ? "
        f"order by case dimension {_DIMENSION_ORDER} end, slice nulls last",
        [run_id],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------

_DIMENSION_TITLES = {"total": "whole funnel", "month": "month (UTC)", "channel": "channel",
                     "original_source": "original source", "region": "region"}


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _rate_delta(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f} pt"


def format_report(result: WhatIfResult) -> str:
    lines = [
        f"What-if: {result.proposed_file} (sha256 {result.proposed_sha256[:12]})",
        f"  proposed version {result.proposed_version} (in force on {result.as_of}) "
        f"vs published marts.fct_funnel (version {result.current_version})",
        f"  stored in {COMPARISON_TABLE} as run_id {result.run_id}",
    ]
    group = f"{'':<24}   {'MQLs':<24}   {'SQLs':<24}   {'MQL->SQL conversion (MQL cohort)':<26}"
    columns = (f"{'':<24}" + f"   {'current':>7} {'proposed':>8} {'delta':>7}" * 2
               + f"   {'current':>7} {'proposed':>8} {'delta':>9}")
    for dimension in DIMENSIONS:
        rows = result.rows_for(dimension)
        if not rows:
            continue
        lines += ["", _DIMENSION_TITLES[dimension], group, columns]
        for row in rows:
            label = "total" if dimension == "total" else (row["slice"] if row["slice"] is not None else "(none)")
            lines.append(
                f"{label[:24]:<24}   {row['mqls_current']:>7} {row['mqls_proposed']:>8} {row['mqls_delta']:>+7}"
                f"   {row['sqls_current']:>7} {row['sqls_proposed']:>8} {row['sqls_delta']:>+7}"
                f"   {_rate(row['mql_to_sql_rate_current']):>7} {_rate(row['mql_to_sql_rate_proposed']):>8}"
                f" {_rate_delta(row['mql_to_sql_rate_delta']):>9}"
            )
    lines += _sla_report(result.sla_rows) + _attribution_report(result.attribution_rows)
    return "\n".join(lines)


def _sla_report(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    lines = ["", "lead SLA (every handoff judged by the evaluated version's SLA, at the published report's as-of time)",
             f"{'':<32}   {'breached':<24}   {'pending':<24}   {'breach rate (of decided)':<26}",
             f"{'':<32}" + f"   {'current':>7} {'proposed':>8} {'delta':>7}" * 2
             + f"   {'current':>7} {'proposed':>8} {'delta':>9}"]
    for row in rows:
        team = row["team"] if row["team"] is not None else "(no team)"
        owner = row["owner"] if row["owner"] is not None else "(no owner)"
        label = {"total": "all handoffs", "team": team}.get(row["level"], f"  {owner}")
        lines.append(
            f"{label[:32]:<32}   {row['breached_current']:>7} {row['breached_proposed']:>8} {row['breached_delta']:>+7}"
            f"   {row['pending_current']:>7} {row['pending_proposed']:>8} {row['pending_delta']:>+7}"
            f"   {_rate(row['breach_rate_current']):>7} {_rate(row['breach_rate_proposed']):>8}"
            f" {_rate_delta(row['breach_rate_delta']):>9}"
        )
    return lines


def _attribution_report(rows: list[dict[str, Any]]) -> list[str]:
    changed = {row["attribution_model"] for row in rows if row["revenue_delta"]}
    if not rows:
        return []
    if not changed:
        return ["", "won revenue by attribution model and channel: no change"]
    lines = ["", "won revenue by attribution model and channel (models whose credit changes)",
             f"{'':<32}   {'current':>14} {'proposed':>14} {'delta':>14}"]
    for model in dict.fromkeys(row["attribution_model"] for row in rows if row["attribution_model"] in changed):
        lines.append(model)
        for row in rows:
            if row["attribution_model"] == model:
                lines.append(f"  {row['channel'][:30]:<30}   {row['revenue_current']:>14,.2f} "
                             f"{row['revenue_proposed']:>14,.2f} {row['revenue_delta']:>+14,.2f}")
    return lines
