"""Write, audit, publish: BI tools only ever see marts that passed every quality gate, in a file no
run ever holds open.

DuckDB allows one writing process or many reading processes per file, never both. So the file BI
tools open (the *published* file, what ``--warehouse`` names) is never written in place:

- every run writes the *working* file beside it (``settings.working_path``): ingest, the load
  ledger, dbt (staging, intermediate, the marts in the audit schema ``marts_audit``) and the
  quality gates all use it;
- once every dbt test and blocking gate passed, ``publish`` writes a new DuckDB file under
  ``.publishes/<stem>/<publish id>.duckdb`` holding only schema ``marts``: every audited mart, the
  time spine MetricFlow needs, the dbt descriptions as DuckDB comments and ``marts.publish_log``
  (this publish and the ones before it: time, Dagster run, input files, gate results, rows). It is
  checkpointed, fsynced and then put in place with a hard link and ``os.replace`` onto the
  published path: one atomic rename. A reader that opened the old file keeps reading it; the next
  connection opens the new one. Nobody ever sees half a publish.
- the last ``KEEP_PUBLISHES`` publishes stay in ``.publishes`` so ``rollback`` can put the
  previous one back in place the same way.

A killed run leaves at most a ``.partial`` publish file or a swap link, which ``recover`` removes
at the next run's start (under the run lock, orchestration/run_lock.py); the published file itself
is always a complete publish, old or new.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from ingest.contracts import quote_ident, sql_string
from orchestration import settings
from orchestration.dbt_project import prepared_manifest

PUBLISHED_SCHEMA = "marts"
PUBLISH_LOG = "publish_log"
KEEP_PUBLISHES = 5
PARTIAL_SUFFIX = ".partial"
_NEW_CATALOG = "smarketing_new_publish"
_CURRENT_CATALOG = "smarketing_current_publish"
_ID_PATTERN = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-z]+$")


class PublishError(RuntimeError):
    """Publishing, rolling back or exporting could not be done; the message says why."""


@cache
def _models() -> tuple[dict, ...]:
    manifest = json.loads(prepared_manifest().read_text())
    return tuple(node for node in manifest["nodes"].values() if node["resource_type"] == "model")


def _relation_name(node: dict) -> str:
    return node.get("alias") or node["name"]


@cache
def audited_marts() -> tuple[tuple[str, str, str], ...]:
    """(audit schema, relation name, description) of every dbt model in the marts folder."""
    marts = []
    for node in _models():
        fqn = node.get("fqn", [])
        if len(fqn) > 2 and fqn[1] == PUBLISHED_SCHEMA:
            marts.append((node["schema"], _relation_name(node), node.get("description") or ""))
    return tuple(sorted(marts, key=lambda m: m[1]))


def audit_schema() -> str:
    """The schema dbt writes the marts into before they are published."""
    schemas = {schema for schema, _, _ in audited_marts()}
    if len(schemas) != 1:
        raise RuntimeError(f"the marts models must share one audit schema, found {sorted(schemas)}")
    (schema,) = schemas
    if schema == PUBLISHED_SCHEMA:
        raise RuntimeError(f"the marts models must not be written straight into the published schema {schema!r}")
    return schema


@cache
def published_models() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(relation name, description, ((column, description), ...)) of every model a publish copies:
    every model dbt writes into the audit schema (the marts and the semantic layer's time spine)."""
    schema = audit_schema()
    return tuple(sorted(
        (_relation_name(node), (node.get("description") or "").strip(),
         tuple((column, (spec.get("description") or "").strip()) for column, spec in node.get("columns", {}).items()))
        for node in _models() if node["schema"] == schema
    ))


def audited_relation(name: str) -> str:
    """``marts_audit.<name>``: where a mart is written and checked before it is published."""
    return f"{quote_ident(audit_schema())}.{quote_ident(name)}"


def published_relation(name: str) -> str:
    return f"{quote_ident(PUBLISHED_SCHEMA)}.{quote_ident(name)}"


# --------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------

PUBLISH_LOG_DDL = f"""
create table {{catalog}}.{PUBLISHED_SCHEMA}.{PUBLISH_LOG} (
    publish_id varchar not null,
    published_at timestamp not null,
    dagster_run_id varchar,
    input_files varchar,
    gate_results varchar,
    mart_rows varchar
)"""

PUBLISH_LOG_COMMENTS = {
    None: "One row per publish of these marts, the newest last: the row with the latest published_at is "
          "the publish this file holds. Kept from earlier publishes; a rollback puts an earlier file back.",
    "publish_id": "The publish: its UTC time and the first characters of the Dagster run that published it.",
    "published_at": "When the publish was put in place (UTC).",
    "dagster_run_id": "The Dagster run that built and published these marts.",
    "input_files": "JSON list of the export files that run read: file, source, object, status, rows loaded.",
    "gate_results": "JSON object of every dbt test and quality gate of that run: \"asset:check\" -> passed/failed.",
    "mart_rows": "JSON object: rows of every published mart.",
}


@dataclass
class PublishResult:
    publish_id: str
    published_path: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def new_publish_id(run_id: str | None, now: dt.datetime) -> str:
    suffix = re.sub(r"[^0-9a-z]", "", (run_id or "manual").lower())[:8] or "manual"
    return f"{now:%Y%m%dT%H%M%S.%f}Z-{suffix}"


def _comment(text: str) -> str:
    return sql_string(text)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    con: duckdb.DuckDBPyConnection,
    published: Path,
    *,
    run_id: str | None = None,
    input_files: list[dict] | None = None,
    gate_results: dict[str, str] | None = None,
) -> PublishResult:
    """Write a new published file from the audited marts of the working file ``con`` is connected to,
    and put it in place at ``published`` atomically. Rows per mart in the result."""
    started = time.perf_counter()
    published = Path(published)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    publish_id = new_publish_id(run_id, now)
    folder = settings.publishes_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{publish_id}.duckdb"
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    new = quote_ident(_NEW_CATALOG)
    marts = {name for _, name, _ in audited_marts()}
    rows: dict[str, int] = {}
    con.execute(f"attach {sql_string(str(partial))} as {new}")
    try:
        con.execute(f"create schema {new}.{PUBLISHED_SCHEMA}")
        for name, description, columns in published_models():
            target = f"{new}.{published_relation(name)}"
            con.execute(f"create table {target} as select * from {audited_relation(name)}")
            if description:
                con.execute(f"comment on table {target} is {_comment(description)}")
            built = {row[0] for row in con.execute(
                "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
                "and table_name = ?", [_NEW_CATALOG, PUBLISHED_SCHEMA, name]).fetchall()}
            for column, text in columns:
                if text and column in built:
                    con.execute(f"comment on column {target}.{quote_ident(column)} is {_comment(text)}")
            if name in marts:
                rows[name] = con.execute(f"select count(*) from {target}").fetchall()[0][0]
        log = f"{new}.{PUBLISHED_SCHEMA}.{PUBLISH_LOG}"
        con.execute(PUBLISH_LOG_DDL.format(catalog=new))
        for column, text in PUBLISH_LOG_COMMENTS.items():
            if column is None:
                con.execute(f"comment on table {log} is {_comment(text)}")
            else:
                con.execute(f"comment on column {log}.{column} is {_comment(text)}")
        _carry_forward_log(con, published, log)
        con.execute(
            f"insert into {log} values (?, ?, ?, ?, ?, ?)",
            [publish_id, now, run_id, json.dumps(input_files or [], sort_keys=True),
             json.dumps(gate_results or {}, sort_keys=True), json.dumps(rows, sort_keys=True)],
        )
        con.execute(f"checkpoint {new}")
    except BaseException:
        _detach_quietly(con, _NEW_CATALOG)
        _remove_file_and_wal(partial)
        raise
    con.execute(f"detach {new}")
    _fsync(partial)
    os.replace(partial, final)
    put_in_place(final, published)
    prune_publishes(published)
    return PublishResult(publish_id, published, rows, time.perf_counter() - started)


def _detach_quietly(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    try:
        con.execute(f"detach database if exists {quote_ident(catalog)}")
    except duckdb.Error:
        pass


def wal_of(path: Path) -> Path:
    """DuckDB's write-ahead log beside the database file ``path``."""
    return path.with_name(path.name + ".wal")


def copy_database(source: Path, target: Path) -> None:
    """Copy the DuckDB file ``source`` to ``target``, with its write-ahead log when it has one."""
    shutil.copyfile(source, target)
    if wal_of(source).exists():
        shutil.copyfile(wal_of(source), wal_of(target))


def remove_publish(path: Path) -> None:
    """Remove a kept publish file (with any write-ahead log beside it)."""
    _remove_file_and_wal(path)


def _remove_file_and_wal(path: Path) -> None:
    for candidate in (path, wal_of(path)):
        candidate.unlink(missing_ok=True)


def _carry_forward_log(con: duckdb.DuckDBPyConnection, published: Path, log: str) -> None:
    """Copy the publish log of the file now in place (when there is one) into the new file."""
    if not published.is_file():
        return
    current = quote_ident(_CURRENT_CATALOG)
    try:
        con.execute(f"attach {sql_string(str(published))} as {current} (read_only)")
    except duckdb.Error as exc:
        raise PublishError(f"cannot read the published file {published} to carry its publish log forward: {exc} "
                           "(is a process holding it open for writing? BI tools must open it read-only)") from None
    try:
        has_log = con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
            [_CURRENT_CATALOG, PUBLISHED_SCHEMA, PUBLISH_LOG]).fetchall()[0][0]
        if has_log:
            con.execute(f"insert into {log} select publish_id, published_at, dagster_run_id, input_files, "
                        f"gate_results, mart_rows from {current}.{PUBLISHED_SCHEMA}.{PUBLISH_LOG}")
    finally:
        con.execute(f"detach {current}")


def put_in_place(source: Path, published: Path) -> None:
    """Make the complete DuckDB file ``source`` the published file, atomically (one rename)."""
    swap = published.with_name(f".{published.name}.{source.stem}.swap")
    swap.unlink(missing_ok=True)
    os.link(source, swap)
    # A published file never has a write-ahead log; one left beside it (by a warehouse written in
    # place before publishes existed) would be replayed onto the new file.
    wal_of(published).unlink(missing_ok=True)
    os.replace(swap, published)
    _fsync(published.parent)


# --------------------------------------------------------------------------------------------
# What is published, rollback, pruning and recovery
# --------------------------------------------------------------------------------------------


def kept_publishes(published: Path) -> list[Path]:
    """The complete publish files kept for ``published``, oldest first."""
    folder = settings.publishes_dir(Path(published))
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.duckdb") if _ID_PATTERN.match(p.stem))


def current_publish_id(published: Path) -> str | None:
    """The id of the publish now in place at ``published`` (None before the first publish)."""
    published = Path(published)
    try:
        inode = published.stat().st_ino
    except FileNotFoundError:
        return None
    for candidate in kept_publishes(published):
        if candidate.stat().st_ino == inode:
            return candidate.stem
    return read_publish_log(published)[-1]["publish_id"] if published.is_file() and read_publish_log(published) else None


def read_publish_log(published: Path) -> list[dict]:
    """``marts.publish_log`` of the published file, oldest first ([] when it has none)."""
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            cursor = con.execute(f"select * from {PUBLISHED_SCHEMA}.{PUBLISH_LOG} order by published_at")
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
    except duckdb.CatalogException:
        return []


def rollback(published: Path) -> tuple[str, str]:
    """Put the publish before the current one back in place; (rolled back id, now current id).

    "Before" follows the current file's own publish log, so rolling back twice goes two publishes
    back. The caller holds the run lock."""
    published = Path(published)
    current = current_publish_id(published)
    if current is None:
        raise PublishError(f"nothing has been published at {published} yet")
    kept = {p.stem: p for p in kept_publishes(published)}
    earlier = [row["publish_id"] for row in read_publish_log(published) if row["publish_id"] != current]
    for publish_id in reversed(earlier):
        if publish_id in kept:
            put_in_place(kept[publish_id], published)
            return current, publish_id
    raise PublishError(f"no earlier publish of {published} is kept (the last {KEEP_PUBLISHES} are): "
                       f"{current} stays current")


def prune_publishes(published: Path, keep: int = KEEP_PUBLISHES) -> list[Path]:
    """Remove all but the newest ``keep`` publishes (never the one in place); the removed files."""
    published = Path(published)
    current = current_publish_id(published)
    kept = kept_publishes(published)
    removed = [p for p in kept[:-keep] if p.stem != current] if keep else []
    for path in removed:
        _remove_file_and_wal(path)
    return removed


def recover(published: Path) -> list[Path]:
    """Remove what a killed run or publish left behind; the removed paths. Needs the run lock."""
    published = Path(published)
    leftovers = list(published.parent.glob(f".{published.name}.*.swap"))
    folder = settings.publishes_dir(published)
    if folder.is_dir():
        leftovers += [p for p in folder.iterdir() if PARTIAL_SUFFIX in p.name]
    work = settings.working_path(published).parent
    if work.is_dir():
        leftovers += [p for p in work.iterdir() if p.name.startswith(SCRATCH_PREFIX)]
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return leftovers


# Scratch copies (what-if) are made under this prefix in the working folder; recover() removes
# the ones a killed process left.
SCRATCH_PREFIX = ".scratch-"


def adopt_pre_serving_warehouse(published: Path) -> bool:
    """A warehouse written in place before publishes existed holds the raw tables and the ledger:
    copy it to the working file once, so the next run goes on from its history. Needs the run lock."""
    published, working = Path(published), settings.working_path(Path(published))
    if working.exists() or not published.is_file() or current_publish_id(published) is not None:
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            has_ledger = con.execute("select count(*) from duckdb_tables() where schema_name = 'ingest' "
                                     "and table_name = 'load_ledger'").fetchall()[0][0]
    except duckdb.Error:
        return False
    if not has_ledger:
        return False
    working.parent.mkdir(parents=True, exist_ok=True)
    partial = working.with_name(working.name + PARTIAL_SUFFIX)
    copy_database(published, partial)
    if wal_of(partial).exists():
        os.replace(wal_of(partial), wal_of(working))
    os.replace(partial, working)
    return True


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------

EXPORT_FORMATS = ("parquet", "csv")


def export(published: Path, out: Path, fmt: str) -> dict[str, Path]:
    """Write every published mart (and the publish log) of ``published`` to ``out`` as ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise PublishError(f"unknown export format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")
    published = Path(published)
    if not published.is_file():
        raise PublishError(f"nothing has been published at {published} yet")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    options = "(format parquet)" if fmt == "parquet" else "(format csv, header true)"
    written = {}
    with duckdb.connect(str(published), read_only=True) as con:
        names = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [PUBLISHED_SCHEMA]).fetchall()]
        for name in names:
            path = out / f"{name}.{fmt}"
            con.execute(f"copy {published_relation(name)} to {sql_string(str(path))} {options}")
            written[name] = path
    return written


def stop_orphaned_children(published: Path, timeout: float = 30.0) -> list[int]:
    """Stop the dbt processes a killed run left running (they would keep writing the working file);
    the pids stopped. Needs the run lock."""
    import signal

    from orchestration import run_lock

    previous = run_lock.previous_holder(published) or {}
    stopped = []
    for pid in previous.get("children", []):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # gone
        if b"dbt" not in cmdline:
            continue  # the pid was reused by an unrelated process
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        stopped.append(pid)
    deadline = time.monotonic() + timeout
    while any(map(_running, stopped)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return stopped


def _running(pid: int) -> bool:
    try:
        return ") Z " not in Path(f"/proc/{pid}/stat").read_text()  # a zombie holds no file locks
    except OSError:
        return False


def start_of_run(published: Path) -> None:
    """What every run does first, holding the run lock: adopt a warehouse written in place before
    publishes existed, remove what a killed run left behind, prune old dbt run folders."""
    from orchestration.dbt_cli import prune_run_dirs

    stop_orphaned_children(published)
    adopt_pre_serving_warehouse(published)
    recover(published)
    prune_run_dirs()
