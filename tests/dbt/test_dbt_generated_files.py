"""The dbt files written from product declarations (orchestration/dbt_generated.py) are current.

- the macro funnel_definitions_file() is definitions/funnel_definitions.yml, parsed and validated as
  the pipeline passes it, so `dbt build`, `dbt docs generate` and `dbt parse` need no flags;
- each raw table's primary key, modified and deleted column are declared once, in its export
  contract (ingest/contracts.py); dbt reads them from the table's `meta: contract:` in
  models/staging/<source>/_<source>__sources.yml.

`smarketing prepare` (make install) rewrites both; these tests fail when a committed copy is stale.
"""

from __future__ import annotations

import yaml

from ingest.contracts import CONTRACTS, row_version_meta
from orchestration import dbt_generated, settings
from orchestration.funnel_definitions import load_definitions


def test_no_generated_file_is_stale():
    stale = [str(path.relative_to(settings.REPO_ROOT)) for path in dbt_generated.stale_files()]
    assert not stale, f"{stale} disagree with their declarations: run `smarketing prepare`"


def test_the_definitions_macro_is_the_definitions_file():
    assert dbt_generated.DEFINITIONS_MACRO.read_text(encoding="utf-8") == dbt_generated.definitions_macro_text(
        load_definitions(settings.DEFINITIONS_FILE))


def test_a_changed_file_changes_the_macro():
    definitions = load_definitions(settings.DEFINITIONS_FILE)
    changed = {**definitions, "versions": [*definitions["versions"][:-1],
                                           {**definitions["versions"][-1], "owner": "someone else"}]}
    assert dbt_generated.definitions_macro_text(changed) != dbt_generated.definitions_macro_text(definitions)


def test_every_contract_has_a_source_table_with_its_meta():
    for contract in CONTRACTS:
        document = yaml.safe_load(dbt_generated.sources_file(contract.source).read_text(encoding="utf-8"))
        (source,) = [s for s in document["sources"] if s["name"] == contract.source]
        assert source["schema"] == contract.schema
        (table,) = [t for t in source["tables"] if t["name"] == contract.table]
        assert table["config"]["meta"]["contract"] == row_version_meta(contract), contract.table


def test_the_writer_replaces_a_hand_edited_block():
    (lead,) = [c for c in CONTRACTS if c.source == "salesforce" and c.object == "lead"]
    text = (
        "      - name: lead\n"
        "        config:\n"
        "          meta:\n"
        "            dagster:\n"
        '              asset_key: ["raw_salesforce", "lead"]\n'
        "            contract:\n"
        "              primary_key: [Email]\n"
        "              modified_column: LastModifiedDate\n"
        "      - name: unknown\n"
    )
    written = yaml.safe_load(dbt_generated.with_contracts(text, {"lead": lead}))
    assert written[0]["config"]["meta"]["contract"] == {
        "primary_key": ["Id"], "modified_column": "SystemModstamp", "deleted_column": "IsDeleted"}
    assert written[1] == {"name": "unknown"}


def test_writing_restores_a_stale_file(tmp_path, monkeypatch):
    macro = tmp_path / "funnel_definitions_file.sql"
    macro.write_text("{% macro funnel_definitions_file() %}{{ return({}) }}{% endmacro %}\n", encoding="utf-8")
    monkeypatch.setattr(dbt_generated, "DEFINITIONS_MACRO", macro)
    assert macro in dbt_generated.stale_files()
    assert macro in dbt_generated.write_generated_files()
    assert macro not in dbt_generated.stale_files()
    assert dbt_generated.write_generated_files() == []


def test_every_attribution_model_of_any_version_gets_its_metrics_once():
    definitions = load_definitions(settings.DEFINITIONS_FILE)
    first = definitions["versions"][0]
    later = {**first, "version": "later", "effective_from": "2099-01-01",
             "attribution": {**first["attribution"],
                             "models": {"halves": {"positions": {"first_touch": 0.5, "last_touch": 0.5}},
                                        "linear": {"others": 1}}}}
    document = yaml.safe_load(dbt_generated.attribution_metrics_text({**definitions, "versions": [first, later]}))
    names = [metric["name"] for metric in document["metrics"]]
    models = [*first["attribution"]["models"], "halves"]
    assert names == [f"{kind}_{model}" for model in models for kind in ("attributed_revenue", "roas", "roi")]
    (halves,) = [m for m in document["metrics"] if m["name"] == "attributed_revenue_halves"]
    assert halves["filter"].strip() == "{{ Dimension('closed_loop_attribution_slice__attribution_model') }} = 'halves'"
    (roi,) = [m for m in document["metrics"] if m["name"] == "roi_halves"]
    assert roi["type_params"]["expr"] == "(attributed_revenue_halves - spend) / nullif(spend, 0)"
