"""Write, audit, publish: BI tools only ever see marts that passed every quality gate.

dbt writes the marts into the audit schema (``marts_audit``, set for the marts folder in
dbt_project.yml) and tests them there; the Great Expectations gates check them there too. Only
when all of that passed does the ``published_marts`` asset copy every audited mart into the
``marts`` schema, in one transaction (the asset: orchestration/defs/publish.py). A failing dbt test or blocking gate stops the run before that
step, so the previously published marts stay exactly as they were.
"""

import json
from functools import cache

from ingest.contracts import quote_ident
from orchestration.dbt_project import prepared_manifest

PUBLISHED_SCHEMA = "marts"


@cache
def audited_marts() -> tuple[tuple[str, str, str], ...]:
    """(audit schema, relation name, description) of every dbt model in the marts folder."""
    manifest = json.loads(prepared_manifest().read_text())
    marts = []
    for node in manifest["nodes"].values():
        fqn = node.get("fqn", [])
        if node["resource_type"] == "model" and len(fqn) > 2 and fqn[1] == PUBLISHED_SCHEMA:
            marts.append((node["schema"], node.get("alias") or node["name"], node.get("description") or ""))
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


def audited_relation(name: str) -> str:
    """``marts_audit.<name>``: where a mart is written and checked before it is published."""
    return f"{quote_ident(audit_schema())}.{quote_ident(name)}"


def published_relation(name: str) -> str:
    return f"{quote_ident(PUBLISHED_SCHEMA)}.{quote_ident(name)}"


def publish(con) -> dict[str, int]:
    """Copy every audited mart into the published schema in one transaction; rows per mart."""
    rows = {}
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {quote_ident(PUBLISHED_SCHEMA)}")
        for _, name, _ in audited_marts():
            con.execute(f"create or replace table {published_relation(name)} as select * from {audited_relation(name)}")
            rows[name] = con.execute(f"select count(*) from {published_relation(name)}").fetchone()[0]
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return rows
