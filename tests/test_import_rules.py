"""What may import what: the rules of the repository layout (README, "Repository layout"), checked
by reading every module's imports with `ast`, without importing anything.

A module pattern or an import pattern names a module and everything below it: `ingest` is `ingest`
and `ingest.*`, `dagster*` is `dagster`, `dagster_dbt`, `dagster_webserver`... and their modules.
Imports inside functions count like any other, except where a rule says it is about module level.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "orchestration", "demo_company")     # the product's two packages, and the demo
FRAMEWORKS = ("dagster*", "dbt*", "great_expectations*")


@dataclass(frozen=True)
class Rule:
    why: str
    modules: tuple[str, ...]                # the rule applies to these modules...
    forbidden: tuple[str, ...]              # ...which may not import these...
    unless_module: tuple[str, ...] = ()     # ...except these modules...
    allowed: tuple[str, ...] = ()           # ...and except these imports
    module_level_only: bool = False         # only imports outside function bodies count


RULES = (
    Rule(why="the export contracts are at the bottom: they import no other product module",
         modules=("ingest.contracts",),
         forbidden=("ingest", "orchestration", "demo_company")),
    Rule(why="the loader runs without Dagster, dbt, Great Expectations, the orchestration or the demo",
         modules=("ingest",),
         forbidden=(*FRAMEWORKS, "orchestration", "demo_company")),
    Rule(why="the funnel definitions loader is plain Python",
         modules=("*.funnel_definitions",),
         forbidden=(*FRAMEWORKS, "demo_company")),
    Rule(why="the demo company reaches the product only through the export contracts",
         modules=("demo_company",),
         forbidden=(*FRAMEWORKS, "orchestration", "ingest"),
         allowed=("ingest.contracts",)),
    Rule(why="only the CLI's demo commands import the demo company",
         modules=("ingest", "orchestration"),
         unless_module=("orchestration.cli",),
         forbidden=("demo_company",)),
    Rule(why="the CLI imports the demo company only inside its demo commands' functions",
         modules=("orchestration.cli",),
         forbidden=("demo_company",),
         module_level_only=True),
)


@dataclass(frozen=True)
class Import:
    name: str           # what is imported, absolute: `from ingest import contracts` is `ingest.contracts`
    line: int
    in_function: bool


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(name, p) or fnmatchcase(name, f"{p}.*") for p in patterns)


def module_name(path: Path, root: Path = REPO) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[Import]:
    """Every import statement of a module, relative ones made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Import(alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.extend(Import(f"{base}.{alias.name}", child.lineno, in_function) for alias in child.names)
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(source), False)
    return found


def violations(modules: dict[str, list[Import]], where: dict[str, str], rules=RULES) -> list[str]:
    """One message per import a rule forbids: `<file>:<line>: <module> imports <name>: <why>`."""
    messages = []
    for rule in rules:
        for module, imports in modules.items():
            if not matches(module, rule.modules) or matches(module, rule.unless_module):
                continue
            for imported in imports:
                if (matches(imported.name, rule.forbidden) and not matches(imported.name, rule.allowed)
                        and not (rule.module_level_only and imported.in_function)):
                    messages.append(f"{where[module]}:{imported.line}: {module} imports {imported.name}: "
                                    f"{rule.why}")
    return messages


def repository_modules() -> tuple[dict[str, list[Import]], dict[str, str]]:
    modules, where = {}, {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            name = module_name(path)
            modules[name] = imports_of(path.read_text(encoding="utf-8"), name, is_package=path.name == "__init__.py")
            where[name] = path.relative_to(REPO).as_posix()
    return modules, where


def test_the_repository_follows_the_import_rules():
    modules, where = repository_modules()
    assert violations(modules, where) == []


def test_every_rule_applies_to_some_module():
    # A moved or renamed module must not switch a rule off silently.
    modules, _ = repository_modules()
    for rule in RULES:
        assert any(matches(m, rule.modules) and not matches(m, rule.unless_module) for m in modules), rule.why


def test_the_checker_reports_each_forbidden_import_with_module_and_line():
    loader = "import json\nfrom . import contracts\n\ndef load():\n    import dagster as dg\n"
    contracts = "from ingest.files import read_head\n"
    demo = "from ingest.contracts import Contract\nfrom ingest import loader\nfrom .records import ExportDrop\n"
    cli = "import demo_company\n\ndef cmd_generate():\n    from demo_company import generate\n"
    jobs = "def what_if():\n    from demo_company.oracle import compute_ground_truth\n"
    modules = {
        "ingest.loader": imports_of(loader, "ingest.loader"),
        "ingest.contracts": imports_of(contracts, "ingest.contracts"),
        "demo_company": imports_of(demo, "demo_company", is_package=True),
        "orchestration.cli": imports_of(cli, "orchestration.cli"),
        "orchestration.jobs": imports_of(jobs, "orchestration.jobs"),
    }
    where = {name: name.replace(".", "/") + ".py" for name in modules}

    found = violations(modules, where)

    contracts_rule, loader_rule, _, demo_rule, only_cli_rule, cli_functions_rule = RULES
    assert found == [
        f"ingest/contracts.py:1: ingest.contracts imports ingest.files.read_head: {contracts_rule.why}",
        f"ingest/loader.py:5: ingest.loader imports dagster: {loader_rule.why}",
        f"demo_company.py:2: demo_company imports ingest.loader: {demo_rule.why}",
        f"orchestration/jobs.py:2: orchestration.jobs imports demo_company.oracle.compute_ground_truth: "
        f"{only_cli_rule.why}",
        f"orchestration/cli.py:1: orchestration.cli imports demo_company: {cli_functions_rule.why}",
    ]


def test_relative_imports_are_made_absolute():
    source = "from . import settings\nfrom .dbt import assets\nfrom .. import contracts\n"
    names = [i.name for i in imports_of(source, "orchestration.defs.jobs")]
    assert names == ["orchestration.defs.settings", "orchestration.defs.dbt.assets", "orchestration.contracts"]
    assert [i.name for i in imports_of("from .records import Drop\n", "demo_company", is_package=True)] == [
        "demo_company.records.Drop"]
