"""The dbt layers flow one way, read from the parsed manifest (target/manifest.json).

- staging reads only sources and seeds;
- intermediate reads staging, intermediate and seeds, never a mart;
- marts read intermediate, marts and seeds, never a source. Three marts read a staging model
  whole (rpt_mql_targets the targets file, rpt_closed_loop_by_month the sales costs file,
  rpt_content_impact the content calendar): a
  mart may read a staging model, as dbt's project structure guide allows, but no source.

A model's layer is the folder under models/ (fqn[1]); the semantic layer's time spine counts as a
mart. The rules are checked on the real manifest and, so the check can fail, on small manifests
with a violation.
"""

from __future__ import annotations

import json

import pytest

from test_dbt_build import run_dbt

MART_LAYERS = {"marts", "semantic"}
ALLOWED = {
    # layer of the reading model -> what it may read: "source", "seed" or a model layer
    "staging": {"source", "seed"},
    "intermediate": {"seed", "staging", "intermediate"},
    "marts": {"seed", "staging", "intermediate", "marts"},
    "semantic": {"seed", "staging", "intermediate", "marts"},
}


def node_layer(node: dict) -> str:
    """`source`, `seed`, or the models/ folder of a model."""
    if node["resource_type"] == "model":
        return node["fqn"][1]
    return node["resource_type"]


def layer_violations(manifest: dict) -> list[str]:
    """Every `model (layer) -> input (layer)` edge that reads against the flow."""
    nodes = {**manifest["nodes"], **manifest.get("sources", {})}
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        layer = node_layer(node)
        allowed = ALLOWED.get(layer)
        if allowed is None:
            found.append(f"{node['name']}: models/{layer}/ is not a known layer")
            continue
        for parent_id in node["depends_on"]["nodes"]:
            parent = nodes[parent_id]
            parent_layer = node_layer(parent)
            if parent_layer not in allowed:
                found.append(f"{node['name']} ({layer}) reads {parent['name']} ({parent_layer})")
    return found


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("dbt_layers")
    result = run_dbt(["parse"], work / "warehouse.duckdb", work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_layers_flow_one_way(manifest):
    assert layer_violations(manifest) == []


def test_every_layer_has_models(manifest):
    layers = {node_layer(node) for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    assert {"staging", "intermediate", "marts"} <= layers


def test_marts_are_grouped_by_domain(manifest):
    folders = {node["fqn"][2] for node in manifest["nodes"].values()
               if node["resource_type"] == "model" and node["fqn"][1] == "marts"}
    assert folders == {"accounts", "content", "funnel", "handoff", "revenue", "spend"}


def model(name: str, layer: str, *parents: str) -> tuple[str, dict]:
    return f"model.smarketing.{name}", {
        "name": name, "resource_type": "model", "fqn": ["smarketing", layer, name],
        "depends_on": {"nodes": list(parents)},
    }


def synthetic_manifest(*models: tuple[str, dict]) -> dict:
    return {
        "nodes": {
            **dict(models),
            "seed.smarketing.channel_teams": {"name": "channel_teams", "resource_type": "seed", "fqn": ["smarketing", "channel_teams"]},
        },
        "sources": {
            "source.smarketing.raw_salesforce.lead": {"name": "lead", "resource_type": "source", "fqn": ["smarketing", "staging", "lead"]},
        },
    }


GOOD = [
    model("stg_leads", "staging", "source.smarketing.raw_salesforce.lead", "seed.smarketing.channel_teams"),
    model("int_persons", "intermediate", "model.smarketing.stg_leads", "seed.smarketing.channel_teams"),
    model("int_funnel", "intermediate", "model.smarketing.int_persons"),
    model("fct_funnel", "marts", "model.smarketing.int_funnel"),
    model("rpt_funnel", "marts", "model.smarketing.fct_funnel", "model.smarketing.stg_leads"),
]


def test_a_one_way_manifest_passes():
    assert layer_violations(synthetic_manifest(*GOOD)) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (model("int_handoffs", "intermediate", "model.smarketing.fct_funnel"),
         "int_handoffs (intermediate) reads fct_funnel (marts)"),
        (model("stg_contacts", "staging", "model.smarketing.stg_leads"),
         "stg_contacts (staging) reads stg_leads (staging)"),
        (model("stg_contacts", "staging", "model.smarketing.int_persons"),
         "stg_contacts (staging) reads int_persons (intermediate)"),
        (model("fct_leads", "marts", "source.smarketing.raw_salesforce.lead"),
         "fct_leads (marts) reads lead (source)"),
        (model("int_leads", "intermediate", "source.smarketing.raw_salesforce.lead"),
         "int_leads (intermediate) reads lead (source)"),
        (model("leads", "reports", "model.smarketing.fct_funnel"),
         "leads: models/reports/ is not a known layer"),
    ],
)
def test_a_layer_read_against_the_flow_fails(bad, message):
    assert layer_violations(synthetic_manifest(*GOOD, bad)) == [message]
