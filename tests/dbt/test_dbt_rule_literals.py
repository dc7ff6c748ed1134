"""No funnel rule is written into the dbt SQL: every rule value comes from the definitions file.

The definitions file (dbt_project/definitions/funnel_definitions.yml) reaches the models only
through the `funnel_definitions` var and its macros. This test collects every value of the rule
sections of that file and fails when one of them is written into a .sql file of the project:

- text values (domains, statuses, form names and patterns, event types, stage and segment
  names, currency, timezone) may not appear as a quoted SQL literal; those that cannot be a SQL
  identifier (with a space, dot, %, / or -) may not appear anywhere, comments included. Vendor
  object names that happen to equal a stage name ('lead', 'opportunity') are allowed where they
  name a table (source()/ref()) or label a record's object (`'lead' as source_object`,
  `source_object = 'lead'`);
- numbers (thresholds, weights, employee bands, SLA hours, activity type ids) may not appear as
  numeric literals in model or test SQL outside Jinja, except 0, 1 and 2, which SQL needs for
  structure (row_number() = 1, coalesce(x, 0), round(x, 2)).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DEFINITIONS = PROJECT / "definitions" / "funnel_definitions.yml"
SKIPPED_DIRS = {"target", "logs", "dbt_packages", "definitions"}
METADATA_KEYS = {"version", "effective_from", "owner", "description"}
STRUCTURAL_NUMBERS = {0, 1, 2}
NOT_AN_IDENTIFIER = re.compile(r"[\s.%/\-]")
# Values that pick among what the SQL implements, like the position names: attribution methods,
# the conversion and the touch column a data-driven state is (attribution.data_driven).
IMPLEMENTED_VOCABULARY = {"rules", "markov", "shapley", "won_opportunity", "channel", "team", "touch_type"}


def rule_values(definitions: dict) -> tuple[set[str], set[float]]:
    """Every text and number in the rule sections, mapping keys included (they are values too:
    email event types, Marketo activity type ids, weighted event types)."""
    texts: set[str] = set()
    numbers: set[float] = set()

    def walk(node, key=None):
        if key in METADATA_KEYS:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in METADATA_KEYS and k not in RULE_KEYS:
                    collect(k)
                walk(v, k)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        else:
            collect(node)

    def collect(value):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            numbers.add(float(value))
        elif isinstance(value, str):
            if re.fullmatch(r"-?\d+(\.\d+)?", value):
                numbers.add(float(value))
            else:
                texts.add(value)

    walk(definitions)
    return texts - IMPLEMENTED_VOCABULARY, numbers


# Keys that name a setting (not values): the structure of the file itself.
RULE_KEYS = {
    "reporting", "currency", "timezone", "stages", "segments", "name", "max_employees", "engagement_events",
    "form_event_types", "pattern", "event_type", "email_event_types", "marketo_activity_types", "versions",
    "lead", "conversion_event_types", "crm_lead_record_counts", "mql", "score_threshold", "engagement_weights",
    "hand_raiser_event_types", "exclusions", "personal_email_domains", "competitor_domains", "internal_domains",
    "sql", "qualifying_lead_statuses", "opportunity_created_qualifies", "evangelist", "advocacy_form_names",
    "handoff", "sla_hours", "sla_clock", "recycle", "reentry_stage",
    "touches", "engagement_event_types", "attended_member_statuses",
    "attribution", "lookback_days", "models", "positions", "others", "half_life_days",
    "method", "data_driven", "conversion", "state", "min_journeys", "min_converting_journeys",
    # the key positions of a path: names of settings the attribution SQL implements
    "first_touch", "lead_creation", "opportunity_creation", "closed_won", "last_touch",
    "score_decay", "fit", "regions", "source_score_threshold", "student_email_domain_patterns",
}


def strip_jinja(sql: str) -> str:
    return re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", sql, flags=re.DOTALL)


def strip_comments_and_strings(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


RELATION_CALL = re.compile(r"\b(?:source|ref)\s*\([^)]*\)")
OBJECT_LABEL = re.compile(r"'[a-z_]+'\s+as\s+source_object\b|\bsource_object\s*=\s*'[a-z_]+'")


def find_rule_literals(sql: str, texts: set[str], numbers: set[float], *, check_numbers: bool = True) -> list[str]:
    """The rule values written into one SQL file."""
    found = []
    lowered = OBJECT_LABEL.sub(" ", RELATION_CALL.sub(" ", sql.lower()))
    for text in sorted(texts):
        quoted = re.search("'" + re.escape(text.lower().replace("'", "''")) + "'", lowered)
        anywhere = len(text) >= 3 and NOT_AN_IDENTIFIER.search(text) and text.lower() in lowered
        if quoted or anywhere:
            found.append(text)
    if check_numbers:
        code = strip_comments_and_strings(strip_jinja(sql))
        for token in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", code):
            value = float(token)
            if value in numbers and value not in STRUCTURAL_NUMBERS:
                found.append(token)
    return found


def sql_files() -> list[Path]:
    return sorted(
        path for path in PROJECT.rglob("*.sql")
        if not SKIPPED_DIRS.intersection(path.relative_to(PROJECT).parts)
    )


@pytest.fixture(scope="module")
def rules() -> tuple[set[str], set[float]]:
    return rule_values(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")))


def test_rule_values_are_collected(rules):
    texts, numbers = rules
    for expected in ("gmail.com", "rivalmetrics.io", "Sales Qualified", "Customer referral", "%demo%",
                     "demo_request", "OPEN", "mql", "Mid-Market", "EUR", "Europe/Madrid", "calendar",
                     "North America", "%.edu"):
        assert expected in texts
    for expected in ("Attended", "web_visit", "u_shaped", "time_decay"):
        assert expected in texts
    for expected in (40, 15, 199, 999, 24, 11, 365, 0.225, 0.4, 0.1, 180, 60):
        assert expected in numbers
    assert not texts & {"2025.1", "RevOps", "2020-01-01"}


def test_the_scan_covers_the_models():
    names = {path.name for path in sql_files()}
    assert {"fct_funnel.sql", "int_funnel_mql_entries.sql", "stg_salesforce__leads.sql"} <= names


@pytest.mark.parametrize(
    "sql",
    [
        "select * from persons where email_domain in ('gmail.com', 'yahoo.com')",
        "where running_score >= 40",
        "where new_value = 'Sales Qualified'",
        "when lower(form_name) like '%webinar%' then 1",
        "case when stage_name = 'mql' then entered_at end",
        "where employees <= 199",
        "and form_name = 'Customer referral'",
        "sum(case event_type when 'demo_request' then 40 end)",
        "select 'lead' as stage_name",
        "power(0.5, age_seconds / (7 * 86400.0))",
        "where attribution_model = 'u_shaped'",
        "case when member_status = 'Attended' then 1 end",
        "{{ smarketing.sql_string('mql') }} as stage_name",
        "where region in ('Europe', 'North America')",
        "and lower(email_domain) like '%.edu'",
        "power(0.5, days / 180)",
        "and new_score >= 60",
    ],
)
def test_the_scan_catches_written_rules(sql, rules):
    assert find_rule_literals(sql, *rules)


@pytest.mark.parametrize(
    "sql",
    [
        "select * from versions where version_rank = 1 and not coalesce(IsDeleted, false)",
        "round(amount, 2)",
        "{{ smarketing.sql_in('event_type', smarketing.definition_setting('mql.hand_raiser_event_types')) }}",
        "select mql_own_at, sql_own_at, lead_own_at from own_times",
        "cast({{ loop.index }} as integer) as stage_order",
        "coalesce(activityTypeId = 2, false) as is_form_fill_out",
        "lower(email) like '%@%'",
        "select * from {{ source('salesforce', 'lead') }}",
        "select 'salesforce' as source_system, 'lead' as source_object",
        "on links.source_object = 'lead' and links.source_record_id = leads.lead_id",
    ],
)
def test_the_scan_leaves_structure_alone(sql, rules):
    assert not find_rule_literals(sql, *rules)


@pytest.mark.parametrize("path", sql_files(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_rule_literal_in_dbt_sql(path, rules):
    in_models_or_tests = path.relative_to(PROJECT).parts[0] in ("models", "tests", "analyses")
    found = find_rule_literals(path.read_text(encoding="utf-8"), *rules, check_numbers=in_models_or_tests)
    assert not found, (
        f"{path.relative_to(PROJECT)} writes funnel rule values {found}; read them through the "
        "funnel_definitions macros (macros/definitions/) instead"
    )
