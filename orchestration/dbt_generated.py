"""The dbt files written from product declarations, never by hand.

- ``macros/definitions/funnel_definitions_file.sql``: the governed definitions file as a plain
  ``dbt build`` / ``dbt docs generate`` reads it when no ``funnel_definitions`` var is passed. dbt
  cannot read an arbitrary YAML file (its Jinja has no file access, ``{% include %}`` fails and
  property files take only dbt's keys), so the file, parsed and validated exactly as the pipeline
  passes it, is written into a macro.
- the ``meta: contract:`` block of every table in ``models/staging/<source>/_<source>__sources.yml``:
  each raw table's primary key, modified and deleted column, declared once in ``ingest/contracts.py``
  and read by the staging macro ``latest_source_versions``.
- ``models/semantic/closed_loop_attribution_metrics.yml``: for every attribution model of the
  definitions file, the MetricFlow metrics ``attributed_revenue_<model>``, ``roas_<model>`` and
  ``roi_<model>`` (the model list lives only in the definitions file; a metric per model is what
  stops revenue being summed over several models).

``write_generated_files()`` rewrites whichever of them disagrees with its declaration; ``smarketing
prepare`` (``make install``) and every ``smarketing run`` call it before dbt parses, and the tests
fail when a committed copy is stale.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.contracts import CONTRACTS, SOURCES, Contract, row_version_meta
from orchestration import settings
from orchestration.funnel_definitions import load_definitions

DEFINITIONS_MACRO = settings.DBT_PROJECT_DIR / "macros" / "definitions" / "funnel_definitions_file.sql"
STAGING_DIR = settings.DBT_PROJECT_DIR / "models" / "staging"
ATTRIBUTION_METRICS = settings.DBT_PROJECT_DIR / "models" / "semantic" / "closed_loop_attribution_metrics.yml"

_TABLE = re.compile(r"^      - name: (\S+)\s*$")
_ASSET_KEY = re.compile(r"^              asset_key: ")
_META_CHILD = "            "
_CONTRACT_HEADER = _META_CHILD + "contract:  # written from ingest/contracts.py, do not edit\n"


def definitions_macro_text(definitions: dict) -> str:
    """The macro ``funnel_definitions_file()`` returning ``definitions``."""
    document = json.dumps(definitions, indent=2, sort_keys=True, ensure_ascii=False)
    if "{% endraw %}" in document:
        raise ValueError("the definitions file may not contain the text '{% endraw %}'")
    return (
        "{#\n"
        "    definitions/funnel_definitions.yml as dbt reads it when no `funnel_definitions` var is passed\n"
        "    (the file parsed and validated as the pipeline passes it). Written from the file by\n"
        "    `smarketing prepare` (and before every `smarketing run`); do not edit: edit the file.\n"
        "#}\n"
        "{% macro funnel_definitions_file() -%}\n"
        "{%- set document -%}{% raw %}\n"
        f"{document}\n"
        "{% endraw %}{%- endset -%}\n"
        "{{ return(fromjson(document)) }}\n"
        "{%- endmacro %}\n"
    )


def attribution_model_names(definitions: dict) -> list[str]:
    """Every attribution model of any version, in the order the file first names them."""
    names: dict[str, None] = {}
    for version in definitions["versions"]:
        names.update(dict.fromkeys((version.get("attribution") or {}).get("models") or {}))
    return list(names)


def attribution_metrics_text(definitions: dict) -> str:
    """The per-model closed-loop metrics (semantic model closed_loop_attribution, closed_loop.yml)."""
    lines = [
        "version: 2\n",
        "\n",
        "# Written from the attribution models of definitions/funnel_definitions.yml by `smarketing prepare`\n",
        "# (orchestration/dbt_generated.py); do not edit. Per model: the won revenue it credits, ROAS\n",
        "# (attributed revenue / spend) and ROI ((attributed revenue - spend) / spend), null without spend.\n",
        "\n",
        "metrics:\n",
    ]
    for model in attribution_model_names(definitions):
        lines += [
            f"  - name: attributed_revenue_{model}\n",
            f"    label: Attributed revenue ({model})\n",
            f"    description: \"Won revenue the {model} attribution model credits, by close month, reporting currency.\"\n",
            "    type: simple\n",
            "    filter: |\n",
            f"      {{{{ Dimension('closed_loop_attribution_slice__attribution_model') }}}} = '{model}'\n",
            "    type_params:\n",
            "      measure:\n",
            "        name: attributed_revenue_reporting\n",
            "        fill_nulls_with: 0\n",
            "\n",
            f"  - name: roas_{model}\n",
            f"    label: ROAS ({model})\n",
            f"    description: \"attributed_revenue_{model} / spend (null without spend).\"\n",
            "    type: ratio\n",
            "    type_params:\n",
            f"      numerator: attributed_revenue_{model}\n",
            "      denominator: spend\n",
            "\n",
            f"  - name: roi_{model}\n",
            f"    label: ROI ({model})\n",
            f"    description: \"(attributed_revenue_{model} - spend) / spend (null without spend).\"\n",
            "    type: derived\n",
            "    type_params:\n",
            f"      expr: (attributed_revenue_{model} - spend) / nullif(spend, 0)\n",
            "      metrics:\n",
            f"        - name: attributed_revenue_{model}\n",
            "        - name: spend\n",
            "\n",
        ]
    return "".join(lines).rstrip("\n") + "\n"


def sources_file(source: str) -> Path:
    return STAGING_DIR / source / f"_{source}__sources.yml"


def _contract_block(contract: Contract) -> str:
    lines = [_CONTRACT_HEADER]
    for key, value in row_version_meta(contract).items():
        rendered = "[" + ", ".join(value) + "]" if isinstance(value, list) else ("null" if value is None else value)
        lines.append(f"{_META_CHILD}  {key}: {rendered}\n")
    return "".join(lines)


def with_contracts(text: str, contracts: dict[str, Contract]) -> str:
    """The sources YAML with each table's ``meta: contract:`` block (after its dagster asset key)
    rewritten from its contract; everything else is kept as written."""
    out: list[str] = []
    table = None
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(_META_CHILD + "contract:"):
            while i < len(lines) and lines[i].startswith(_META_CHILD + "  "):
                i += 1
            continue
        out.append(line)
        match = _TABLE.match(line)
        if match:
            table = match.group(1)
        elif _ASSET_KEY.match(line) and table in contracts:
            out.append(_contract_block(contracts[table]))
    return "".join(out)


def expected_files() -> dict[Path, str]:
    """Every generated file with the text its declaration gives it."""
    definitions = load_definitions(settings.DEFINITIONS_FILE)
    files = {DEFINITIONS_MACRO: definitions_macro_text(definitions),
             ATTRIBUTION_METRICS: attribution_metrics_text(definitions)}
    for source in SOURCES:
        path = sources_file(source)
        contracts = {c.object: c for c in CONTRACTS if c.source == source}
        files[path] = with_contracts(path.read_text(encoding="utf-8"), contracts)
    return files


def _stale(files: dict[Path, str]) -> dict[Path, str]:
    return {path: text for path, text in files.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text}


def stale_files() -> list[Path]:
    """The generated files whose committed text disagrees with their declaration."""
    return list(_stale(expected_files()))


def write_generated_files() -> list[Path]:
    """Rewrite the stale generated files (only those, so dbt's partial parsing keeps the rest)."""
    stale = _stale(expected_files())
    for path, text in stale.items():
        path.write_text(text, encoding="utf-8")
    return list(stale)
