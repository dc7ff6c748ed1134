"""Each raw table's primary key, modified column and deleted column are declared once, in its
export contract (ingest/contracts.py). dbt reads them from the table's `meta: contract:` in
dbt_project/models/staging/<source>/_<source>__sources.yml (macro source_contract), which is
written from the contracts, never by hand:

    python tests/dbt/test_dbt_source_contracts.py --write

These tests fail when the committed YAML and the contracts disagree, and check the writer.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.contracts import CONTRACTS, SOURCES, Contract, row_version_meta  # noqa: E402

STAGING = ROOT / "dbt_project" / "models" / "staging"
TABLE = re.compile(r"^      - name: (\S+)\s*$")
ASSET_KEY = re.compile(r"^              asset_key: ")
META_CHILD = "            "
GENERATED = "            contract:  # written from ingest/contracts.py, do not edit\n"


def sources_file(source: str) -> Path:
    return STAGING / source / f"_{source}__sources.yml"


def contract_block(contract: Contract) -> str:
    meta = row_version_meta(contract)
    lines = [GENERATED]
    for key, value in meta.items():
        rendered = "[" + ", ".join(value) + "]" if isinstance(value, list) else ("null" if value is None else value)
        lines.append(f"              {key}: {rendered}\n")
    return "".join(lines)


def with_contracts(text: str, contracts: dict[str, Contract]) -> str:
    """The sources YAML with each table's `meta: contract:` block (after its dagster asset key)
    rewritten from its contract; everything else is kept as written."""
    out: list[str] = []
    table = None
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(META_CHILD + "contract:"):
            while i < len(lines) and lines[i].startswith(META_CHILD + "  "):
                i += 1
            continue
        out.append(line)
        match = TABLE.match(line)
        if match:
            table = match.group(1)
        elif ASSET_KEY.match(line) and table in contracts:
            out.append(contract_block(contracts[table]))
    return "".join(out)


def expected_files() -> dict[Path, str]:
    files = {}
    for source in SOURCES:
        path = sources_file(source)
        contracts = {c.object: c for c in CONTRACTS if c.source == source}
        files[path] = with_contracts(path.read_text(encoding="utf-8"), contracts)
    return files


def test_every_sources_yaml_carries_its_contracts():
    stale = [str(path.relative_to(ROOT)) for path, text in expected_files().items()
             if path.read_text(encoding="utf-8") != text]
    assert not stale, f"{stale} disagree with ingest/contracts.py: run python tests/dbt/test_dbt_source_contracts.py --write"


def test_every_contract_has_a_source_table_with_its_meta():
    for contract in CONTRACTS:
        document = yaml.safe_load(sources_file(contract.source).read_text(encoding="utf-8"))
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
    written = yaml.safe_load(with_contracts(text, {"lead": lead}))
    assert written[0]["config"]["meta"]["contract"] == {
        "primary_key": ["Id"], "modified_column": "SystemModstamp", "deleted_column": "IsDeleted"}
    assert written[1] == {"name": "unknown"}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/dbt/test_dbt_source_contracts.py --write")
    for path, text in expected_files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
