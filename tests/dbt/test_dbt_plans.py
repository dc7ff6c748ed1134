"""No quadratic plans: every compiled model and data test of the demo build is planned by DuckDB
(`EXPLAIN (FORMAT JSON)`, parsed, since operator names wrap inside the boxes of the text plan) and
no join may run as a nested loop, a blockwise nested loop, a cross product or a piecewise merge
join, unless that (node, operator) pair is in plan_allowlist.yml with the reason it stays small.

Such an operator compares every row of one side with every row of the other: on inputs that grow
with people (touches, activities, person records) it turns a linear job into a quadratic one (an
`on a = x or b = y` join cannot hash). The allowlist is strict both ways: an entry that no longer
matches any plan fails too, so it cannot outlive the join it excused.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import yaml

QUADRATIC_OPERATORS = frozenset({"NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "CROSS_PRODUCT", "PIECEWISE_MERGE_JOIN"})
ALLOWLIST = Path(__file__).with_name("plan_allowlist.yml")


def plan_operators(plan: list | dict) -> list[tuple[str, str]]:
    """(operator name, its join condition or '') of every operator in a parsed JSON plan."""
    found, stack = [], list(plan) if isinstance(plan, list) else [plan]
    while stack:
        operator = stack.pop()
        extra = operator.get("extra_info") or {}
        condition = extra.get("Condition") or extra.get("Conditions") or "" if isinstance(extra, dict) else ""
        found.append((operator.get("name", ""), " and ".join(condition) if isinstance(condition, list) else condition))
        stack.extend(operator.get("children", []))
    return found


def quadratic_operators(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    rows = con.execute(f"explain (format json) {sql.strip().rstrip(';')}").fetchall()
    return [(name, condition) for _, plan in rows for name, condition in plan_operators(json.loads(plan))
            if name in QUADRATIC_OPERATORS]


def allowlist() -> dict[tuple[str, str], str]:
    entries = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))["allowed"] or []
    return {(entry["node"], entry["operator"]): entry["reason"] for entry in entries}


def test_the_check_finds_an_or_join():
    """The check can fail: two equalities joined by OR cannot hash and plan as a nested loop."""
    with duckdb.connect() as con:
        con.execute("create table records as select i as contact_id, i as lead_id from range(100) t(i)")
        con.execute("create table members as select i as contact_id, i + 1 as lead_id from range(100) t(i)")
        found = quadratic_operators(con, "select * from members join records"
                                         " on records.contact_id = members.contact_id or records.lead_id = members.lead_id")
        assert [name for name, _ in found] == ["BLOCKWISE_NL_JOIN"]
        split = quadratic_operators(con, "select * from members join records on records.contact_id = members.contact_id"
                                         " union all select * from members join records on records.lead_id = members.lead_id")
        assert split == []


def test_every_allowlist_entry_gives_a_reason_for_a_known_operator():
    entries = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))["allowed"] or []
    assert len(entries) == len(allowlist()), "an allowlist pair is listed twice"
    for entry in entries:
        assert set(entry) == {"node", "operator", "reason"}, entry
        assert entry["operator"] in QUADRATIC_OPERATORS, entry
        assert len(entry["reason"].split()) >= 4, f"{entry['node']}: say why its inputs stay small"


@pytest.fixture(scope="module")
def planned_nodes(demo_build) -> dict[str, list[tuple[str, str]]]:
    """Node name -> the quadratic operators in its plan, for every compiled model and data test."""
    result, warehouse, _ = demo_build
    assert result.returncode == 0, result.stdout[-5000:]
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = [node for node in manifest["nodes"].values()
             if node["resource_type"] in ("model", "test") and node.get("compiled_code")]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {node["name"]: quadratic_operators(con, node["compiled_code"]) for node in nodes}


def test_every_model_and_test_was_planned(planned_nodes):
    assert {"int_touches_unified", "fct_attribution", "fct_funnel"} <= set(planned_nodes)
    assert any(name.startswith("unique_") for name in planned_nodes)


def test_no_quadratic_join_outside_the_allowlist(planned_nodes):
    allowed = allowlist()
    unexcused = sorted({f"{node}: {name} on {condition or '(no condition)'}" for node, operators in planned_nodes.items()
                        for name, condition in operators if (node, name) not in allowed})
    assert not unexcused, "joins that grow quadratically (split OR joins into equi-joins, or allowlist" \
                          " with the reason the inputs stay small):\n" + "\n".join(unexcused)


def test_no_allowlist_entry_outlives_its_join(planned_nodes):
    found = {(node, name) for node, operators in planned_nodes.items() for name, _ in operators}
    stale = sorted(f"{node}: {operator}" for node, operator in allowlist() if (node, operator) not in found)
    assert not stale, "allowlist entries that match no plan any more (remove them):\n" + "\n".join(stale)
