"""The funnel definitions reach dbt without hand-passed flags.

dbt cannot read an arbitrary YAML file, so definitions/funnel_definitions.yml (the one file RevOps
edits) is written into the macro funnel_definitions_file() (macros/definitions/
funnel_definitions_file.sql) exactly as the pipeline passes it: the file parsed and validated by
orchestration.funnel_definitions.load_definitions. `dbt build`, `dbt docs generate` and `dbt parse`
then work as they are; the `funnel_definitions` var (the pipeline, `smarketing what-if`) still wins.

The macro is never edited by hand: these tests fail when it disagrees with the file, and

    python tests/dbt/test_dbt_definitions_file.py --write

rewrites it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from orchestration.funnel_definitions import load_definitions  # noqa: E402

PROJECT = ROOT / "dbt_project"
DEFINITIONS = PROJECT / "definitions" / "funnel_definitions.yml"
MACRO = PROJECT / "macros" / "definitions" / "funnel_definitions_file.sql"


def macro_text(definitions: dict) -> str:
    document = json.dumps(definitions, indent=2, sort_keys=True, ensure_ascii=False)
    assert "{% endraw %}" not in document
    return (
        "{#\n"
        "    definitions/funnel_definitions.yml as dbt reads it when no `funnel_definitions` var is passed\n"
        "    (the file parsed and validated as the pipeline passes it). Written from the file by\n"
        "    `python tests/dbt/test_dbt_definitions_file.py --write`; do not edit: edit the file.\n"
        "#}\n"
        "{% macro funnel_definitions_file() -%}\n"
        "{%- set document -%}{% raw %}\n"
        f"{document}\n"
        "{% endraw %}{%- endset -%}\n"
        "{{ return(fromjson(document)) }}\n"
        "{%- endmacro %}\n"
    )


def test_the_definitions_macro_is_the_definitions_file():
    assert MACRO.read_text(encoding="utf-8") == macro_text(load_definitions(DEFINITIONS)), (
        f"{MACRO.relative_to(ROOT)} disagrees with {DEFINITIONS.relative_to(ROOT)}: "
        "run python tests/dbt/test_dbt_definitions_file.py --write")


def test_a_changed_file_changes_the_macro():
    definitions = load_definitions(DEFINITIONS)
    changed = {**definitions, "versions": [*definitions["versions"][:-1], {**definitions["versions"][-1], "owner": "someone else"}]}
    assert macro_text(changed) != macro_text(definitions)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/dbt/test_dbt_definitions_file.py --write")
    MACRO.write_text(macro_text(load_definitions(DEFINITIONS)), encoding="utf-8")
    print(f"wrote {MACRO.relative_to(ROOT)}")
