"""What-if: how a proposed definitions file would change the funnel, without publishing anything.

``run_what_if(proposed, warehouse)`` validates the proposed file, copies the warehouse's working
file (orchestration/publish.py) to a scratch file beside it, rebuilds the governed funnel
(``fct_funnel`` and everything it reads) in the copy with the proposed definitions, and compares
the copy's funnel with the published ``marts.fct_funnel``: MQLs, SQLs and MQL->SQL conversion by
month, channel, original source and region. The comparison is stored in ``whatif.comparison`` of
the working file (one row per run and slice) and returned for printing. The published file BI
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
from orchestration.dbt_project import dbt_executable
from orchestration.funnel_definitions import DBT_VAR, load_definitions, version_in_force
from orchestration.publish import SCRATCH_PREFIX, audited_relation, copy_database

FUNNEL_MART = "fct_funnel"
FUNNEL_RELATION = f"marts.{FUNNEL_MART}"
COMPARISON_SCHEMA = "whatif"
COMPARISON_TABLE = f"{COMPARISON_SCHEMA}.comparison"
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


def what_if_dbt_args(definitions: dict[str, Any], as_of: dt.date, work_dir: Path) -> list[str]:
    """``dbt run`` of the funnel mart and its ancestors with the proposed definitions.

    The target and log folders are the scratch folder's, so the project's own manifest (which the
    Dagster assets are built from) and partial-parse state are never rewritten.
    """
    variables = json.dumps({DBT_VAR: definitions, AS_OF_VAR: as_of.isoformat()}, sort_keys=True)
    return [
        "run",
        "--project-dir", str(settings.DBT_PROJECT_DIR),
        "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--vars", variables,
        "--select", f"+{FUNNEL_MART}",
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
            current_version = _copy_built_warehouse(warehouse, scratch)
            say(f"Evaluating {proposed.name} (version {proposed_version}, as of {as_of}) on a copy of {working}")
            _build_proposed_funnel(scratch, definitions, as_of, work_dir)
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
                finally:
                    con.execute(f"detach {_PROPOSED_CATALOG}")
                    con.execute(f"detach {_PUBLISHED_CATALOG}")
                rows = read_comparison(con, run_id)
    return WhatIfResult(run_id=run_id, created_at=created_at, proposed_file=proposed,
                        proposed_sha256=proposed_sha256, proposed_version=proposed_version,
                        current_version=current_version, as_of=as_of, rows=rows)


def _connect(warehouse: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(warehouse), read_only=read_only)
    except duckdb.IOException as exc:
        raise WhatIfError(f"cannot open the warehouse {warehouse}: {exc} (is a pipeline run writing it? "
                          "try again when it has finished)") from None


def _copy_built_warehouse(warehouse: Path, scratch: Path) -> str:
    """Check the warehouse has been published, copy its working file (the run lock is held, so no
    run writes it meanwhile) and return the definitions version its published funnel was built with."""
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
    working = settings.working_path(warehouse)
    if not working.is_file():
        raise WhatIfError(f"the working file {working} of the warehouse {warehouse} is missing: run "
                          "`smarketing run --exports <drop>` first")
    copy_database(working, scratch)
    return ", ".join(str(v) for v in versions) or "(empty funnel)"


def _build_proposed_funnel(scratch: Path, definitions: dict[str, Any], as_of: dt.date, work_dir: Path) -> None:
    env = {**os.environ, settings.WAREHOUSE_ENV: str(scratch)}
    completed = subprocess.run(
        [dbt_executable(), *what_if_dbt_args(definitions, as_of, work_dir)],
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
    return "\n".join(lines)
