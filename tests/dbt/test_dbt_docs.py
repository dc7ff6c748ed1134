"""dbt docs: the project overview exists, restates no rule value, and every mart and every one of
its columns has a description (read from the parsed target/manifest.json)."""

from __future__ import annotations

import json

import pytest

from test_dbt_build import run_dbt


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_docs")
    result = run_dbt(["parse", "--warn-error-options", '{"error": ["Deprecations"]}'],
                     work / "warehouse.duckdb", work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_every_marts_model_and_column_has_a_description(manifest):
    marts = [node for node in manifest["nodes"].values()
             if node["resource_type"] == "model" and node["fqn"][1] == "marts"]
    assert {"fct_funnel", "fct_opportunities", "rpt_lead_sla"} <= {node["name"] for node in marts}
    undocumented = [node["name"] for node in marts if not node["description"].strip()]
    undocumented += [f"{node['name']}.{name}" for node in marts
                     for name, column in node["columns"].items() if not column["description"].strip()]
    assert undocumented == []
    assert all(node["columns"] for node in marts)


def test_overview_points_to_the_definitions_and_copies_no_threshold(manifest):
    overview = manifest["docs"]["doc.smarketing.__overview__"]["block_contents"]
    assert "definitions/funnel_definitions.yml" in overview
    assert "definitions/README.md" in overview
    assert not any(ch.isdigit() for ch in overview), "no rule value in the overview: the definitions file holds them"
