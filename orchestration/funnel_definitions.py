"""Load and validate the governed funnel definitions file.

The file (``dbt_project/definitions/funnel_definitions.yml``) is parsed here, checked, and handed
to dbt whole as the ``funnel_definitions`` variable; dbt's ``funnel_definitions`` macro is the only
reader on the SQL side. Mistakes in the file are reported with the key path that is wrong, before
any model runs.

The validation below is the file's schema: a key is known when the validation reads it (by name)
somewhere at the same path, or when it sits in a mapping the validation walks as a whole (event
type weights, exclusion lists, attribution models). Any other key is reported as unknown, with the
closest known key at that path as a suggestion, so a key added to the validation is known at once
and a misspelt one is never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from orchestration.settings import DEFINITIONS_FILE

FUNNEL_STAGES = ("subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist")
DBT_VAR = "funnel_definitions"
# Stages a recycled person can enter again: their rule is evaluated anew after the recycle.
REENTRY_STAGES = ("mql",)


class DefinitionsError(ValueError):
    """The definitions file is invalid; the message names the file and the key path."""


def load_definitions(path: Path | str = DEFINITIONS_FILE) -> dict[str, Any]:
    """Read and validate a definitions file; returns it with dates as ISO strings."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionsError(f"{path}: definitions file not found") from None
    except yaml.YAMLError as exc:
        raise DefinitionsError(f"{path}: not valid YAML: {exc}") from None
    definitions = json.loads(json.dumps(raw, default=_jsonable))
    problems = definitions_problems(definitions)
    if problems:
        raise DefinitionsError(f"{path}: " + "; ".join(problems))
    return definitions


def dbt_vars(definitions: dict[str, Any]) -> str:
    """The ``--vars`` argument that hands the definitions to dbt."""
    return json.dumps({DBT_VAR: definitions}, sort_keys=True)


def version_in_force(definitions: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """The version with the latest ``effective_from`` on or before ``on``."""
    candidates = [v for v in definitions["versions"] if dt.date.fromisoformat(v["effective_from"]) <= on]
    if not candidates:
        raise DefinitionsError(f"no definitions version is in force on {on.isoformat()}")
    return max(candidates, key=lambda v: v["effective_from"])


def definitions_problems(definitions: Any) -> list[str]:
    """Every problem of a parsed definitions file: unknown keys first (a misspelt key explains the
    problems that follow from its absence), then the rules' own checks."""
    tracked = json.loads(json.dumps(definitions), object_hook=_ReadRecorder)
    problems = list(_problems(tracked))
    return list(_unknown_key_problems(tracked)) + problems


class _ReadRecorder(dict):
    """A mapping that records how the validation reads it: which keys by name, or walked whole."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys_read: set[str] = set()
        self.walked = False

    def get(self, key, default=None):
        self.keys_read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.keys_read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.keys_read.add(key)
        return super().__contains__(key)

    def __iter__(self):
        self.walked = True
        return super().__iter__()

    def keys(self):
        self.walked = True
        return super().keys()

    def values(self):
        self.walked = True
        return super().values()

    def items(self):
        self.walked = True
        return super().items()


def _recorded_mappings(value: Any, path: tuple[str, ...] = (), shape: tuple[str, ...] = ()):
    """(path, shape, mapping) for every mapping in the document. The shape is the path with list
    indexes and the keys of walked mappings replaced by wildcards, so every version's ``mql`` (or
    every attribution model) shares what the validation read in any of them."""
    if isinstance(value, _ReadRecorder):
        yield path, shape, value
        for key, child in dict.items(value):
            yield from _recorded_mappings(child, (*path, key), (*shape, "*" if value.walked else key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _recorded_mappings(child, (*path[:-1], f"{path[-1]}[{i}]") if path else (f"[{i}]",),
                                          (*shape, "[]"))


def _unknown_key_problems(document: Any):
    mappings = list(_recorded_mappings(document))
    known: dict[tuple[str, ...], set[str]] = {}
    walked: set[tuple[str, ...]] = set()
    for _, shape, mapping in mappings:
        known.setdefault(shape, set()).update(k for k in mapping.keys_read if isinstance(k, str))
        if mapping.walked:
            walked.add(shape)
    for path, shape, mapping in mappings:
        if shape in walked or not known.get(shape):  # a walked mapping's keys are data, not schema
            continue
        for key in sorted(set(dict.keys(mapping)) - known[shape]):
            where = ".".join(path) + ": unknown key" if path else "unknown top-level key"
            close = difflib.get_close_matches(key, sorted(known[shape]), n=1)
            yield f"{where} {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _jsonable(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"unsupported value {value!r}")


def _problems(d: Any):
    if not isinstance(d, dict):
        yield "the file must be a mapping with reporting, stages, segments, engagement_events, versions"
        return
    reporting = d.get("reporting") or {}
    if not re.fullmatch(r"[A-Z]{3}", str(reporting.get("currency", ""))):
        yield "reporting.currency must be a 3-letter ISO currency code"
    try:
        ZoneInfo(str(reporting.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        yield f"reporting.timezone {reporting.get('timezone')!r} is not an IANA timezone"
    if tuple(d.get("stages") or ()) != FUNNEL_STAGES:
        yield f"stages must be exactly {list(FUNNEL_STAGES)}"
    if "unknown_segment_name" in d and (not isinstance(d["unknown_segment_name"], str)
                                        or not d["unknown_segment_name"].strip()):
        yield "unknown_segment_name must be a non-empty name (the segment of accounts with no employee count)"
    yield from _segment_problems(d.get("segments"))
    yield from _engagement_problems(d.get("engagement_events"))
    yield from _touch_problems(d.get("touches"), d.get("engagement_events"))
    versions = d.get("versions")
    if not isinstance(versions, list) or not versions:
        yield "versions must be a non-empty list"
        return
    seen_names, seen_dates = set(), set()
    for i, version in enumerate(versions):
        where = f"versions[{i}]"
        name = version.get("version")
        if not name or name in seen_names:
            yield f"{where}.version must be a unique, non-empty name"
        seen_names.add(name)
        try:
            effective = dt.date.fromisoformat(str(version.get("effective_from")))
        except ValueError:
            yield f"{where}.effective_from must be an ISO date (YYYY-MM-DD)"
        else:
            if effective in seen_dates:
                yield f"{where}.effective_from {effective} is used by another version"
            seen_dates.add(effective)
        for key in ("owner", "description"):
            if version.get(key) is not None and not isinstance(version[key], str):
                yield f"{where}.{key} must be text"
        yield from (f"{where}.{p}" for p in _version_problems(version))
    yield from _content_model_problems(reporting.get("content_attribution_model"), versions)


def _content_model_problems(model: Any, versions: list):
    """reporting.content_attribution_model: the attribution model content impact credits won revenue
    under; it must be a model of every version, so the number means one thing across versions."""
    if model is None:
        return
    if not isinstance(model, str):
        yield "reporting.content_attribution_model must be the name of an attribution model"
        return
    for i, version in enumerate(versions):
        attribution = version.get("attribution") if isinstance(version, dict) else None
        models = attribution.get("models") if isinstance(attribution, dict) else None
        if isinstance(models, dict) and model not in models:
            yield (f"reporting.content_attribution_model {model!r} is not an attribution model of "
                   f"versions[{i}] (it has {sorted(models)})")


def _segment_problems(segments: Any):
    if not isinstance(segments, list) or not segments:
        yield "segments must be a non-empty list of {name, max_employees}"
        return
    for i, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("name"), str) or not segment["name"].strip():
            yield f"segments[{i}].name must be a non-empty segment name"
    bounds = [s.get("max_employees") if isinstance(s, dict) else None for s in segments]
    if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
        yield "segments: only the last band may have max_employees: null"
    elif bounds[:-1] != sorted(bounds[:-1]):
        yield "segments must be ordered by max_employees"


def _engagement_problems(engagement: Any):
    if not isinstance(engagement, dict):
        yield "engagement_events must be a mapping"
        return
    for i, rule in enumerate(engagement.get("form_event_types") or []):
        if not rule.get("pattern") or not rule.get("event_type"):
            yield f"engagement_events.form_event_types[{i}] needs pattern and event_type"
    for key in ("email_event_types", "marketo_activity_types"):
        if not isinstance(engagement.get(key), dict):
            yield f"engagement_events.{key} must be a mapping"


def _engagement_event_types(engagement: Any) -> set[str]:
    """Every event type the engagement_events classification can produce."""
    if not isinstance(engagement, dict):
        return set()
    types = {rule.get("event_type") for rule in engagement.get("form_event_types") or [] if isinstance(rule, dict)}
    for key in ("email_event_types", "marketo_activity_types"):
        mapping = engagement.get(key)
        if isinstance(mapping, dict):
            types |= set(mapping.values())
    return types


def _touch_problems(touches: Any, engagement: Any):
    if not isinstance(touches, dict):
        yield "touches must be a mapping {engagement_event_types: [...], attended_member_statuses: [...]}"
        return
    event_types = touches.get("engagement_event_types")
    if not isinstance(event_types, list) or not all(isinstance(x, str) and x for x in event_types):
        yield "touches.engagement_event_types must be a list of engagement event types"
    else:
        unknown = set(event_types) - _engagement_event_types(engagement)
        if unknown:
            yield f"touches.engagement_event_types names event types engagement_events never produces: {sorted(unknown)}"
    statuses = touches.get("attended_member_statuses")
    if not isinstance(statuses, list) or not all(isinstance(x, str) and x.strip() for x in statuses):
        yield "touches.attended_member_statuses must be a list of Salesforce CampaignMember statuses"


ATTRIBUTION_POSITIONS = ("first_touch", "lead_creation", "opportunity_creation", "closed_won", "last_touch")
MODEL_NAME = re.compile(r"[a-z][a-z0-9_]*")


ATTRIBUTION_METHODS = ("rules", "markov", "shapley")
DATA_DRIVEN_CONVERSIONS = ("won_opportunity",)
DATA_DRIVEN_STATES = ("channel", "team", "touch_type")


def _attribution_problems(attribution: Any):
    """The attribution settings of a version: lookback window, the models and the data-driven settings."""
    if not isinstance(attribution, dict):
        yield "attribution must be a mapping {lookback_days, models}"
        return
    lookback = attribution.get("lookback_days")
    if not isinstance(lookback, int) or isinstance(lookback, bool) or lookback <= 0:
        yield "attribution.lookback_days must be a positive whole number of days"
    models = attribution.get("models")
    if not isinstance(models, dict) or not models:
        yield "attribution.models must map model names to their weights"
        return
    data_driven = False
    for name, model in models.items():
        where = f"attribution.models.{name}"
        if not isinstance(name, str) or not MODEL_NAME.fullmatch(name):
            yield f"{where}: a model name must be a lower-case identifier"
        if isinstance(model, dict) and model.get("method", "rules") != "rules":
            rule_keys = [key for key in ("positions", "others", "half_life_days") if key in model]
            if model.get("method") not in ATTRIBUTION_METHODS or rule_keys:
                yield f"{where}: a data-driven model is {{method: markov}} or {{method: shapley}} only"
            data_driven = True
            continue
        if not isinstance(model, dict):
            yield f"{where} must be a mapping with positions, others and half_life_days"
            continue
        positions = model.get("positions") or {}
        if not isinstance(positions, dict) or not set(positions) <= set(ATTRIBUTION_POSITIONS):
            yield f"{where}.positions must map positions among {list(ATTRIBUTION_POSITIONS)} to weights" + "".join(
                f" ({key!r}: did you mean {close[0]!r}?)" for key in positions if isinstance(positions, dict)
                and (close := difflib.get_close_matches(key, ATTRIBUTION_POSITIONS, n=1)) and key != close[0])
            continue
        weights = [*positions.values(), model.get("others", 0)]
        if not all(_is_number(w) and 0 <= w <= 1 for w in weights):
            yield f"{where}: weights must be numbers between 0 and 1"
            continue
        if abs(sum(weights) - 1) > 1e-9:
            yield f"{where}: weights must add up to 1, they add up to {sum(weights):g}"
        half_life = model.get("half_life_days")
        if half_life is not None and (not _is_number(half_life) or half_life <= 0):
            yield f"{where}.half_life_days must be a positive number of days"
        if half_life is not None and not model.get("others"):
            yield f"{where}.half_life_days needs a weight for the others to decay"
    if data_driven or "data_driven" in attribution:
        yield from _data_driven_problems(attribution.get("data_driven"))


def _data_driven_problems(settings: Any):
    """attribution.data_driven: what converts, the state grain and the minimum journey counts."""
    where = "attribution.data_driven"
    expected = {"conversion", "state", "min_journeys", "min_converting_journeys"}
    if not isinstance(settings, dict) or set(settings) != expected:
        yield f"{where} must be a mapping with {sorted(expected)} (the data-driven models need it)"
        return
    if settings["conversion"] not in DATA_DRIVEN_CONVERSIONS:
        yield f"{where}.conversion must be one of {list(DATA_DRIVEN_CONVERSIONS)}"
    if settings["state"] not in DATA_DRIVEN_STATES:
        yield f"{where}.state must be one of {list(DATA_DRIVEN_STATES)}"
    for key in ("min_journeys", "min_converting_journeys"):
        value = settings[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            yield f"{where}.{key} must be a positive whole number of journeys"


def _version_problems(v: dict[str, Any]):
    yield from _attribution_problems(v.get("attribution"))
    mql = v.get("mql") or {}
    weights = mql.get("engagement_weights")
    if not isinstance(weights, dict) or not all(_is_number(w) and w >= 0 for w in weights.values()):
        yield "mql.engagement_weights must map event types to non-negative numbers"
        weights = {}
    if not _is_number(mql.get("score_threshold")) or mql["score_threshold"] <= 0:
        yield "mql.score_threshold must be a positive number"
    for key in ("hand_raiser_event_types",):
        unknown = set(mql.get(key) or []) - set(weights)
        if unknown:
            yield f"mql.{key} names event types without a weight: {sorted(unknown)}"
    exclusions = mql.get("exclusions") or {}
    if not isinstance(exclusions, dict):
        yield "mql.exclusions must be a mapping of named lists"
        exclusions = {}
    for key, values in exclusions.items():
        if str(key).endswith("_patterns"):
            if not isinstance(values, list) or not all(isinstance(x, str) and x.strip() for x in values):
                yield f"mql.exclusions.{key} must be a list of LIKE patterns on the email domain (e.g. \"%.edu\")"
        elif not isinstance(values, list) or not all(isinstance(x, str) and "." in x for x in values):
            yield f"mql.exclusions.{key} must be a list of domains"
    yield from _mql_option_problems(mql)
    lead = v.get("lead") or {}
    unknown = set(lead.get("conversion_event_types") or []) - set(weights)
    if unknown:
        yield f"lead.conversion_event_types names event types without a weight: {sorted(unknown)}"
    if "crm_lead_record_counts" in lead and not isinstance(lead["crm_lead_record_counts"], bool):
        yield "lead.crm_lead_record_counts must be true or false"
    evangelist = v.get("evangelist") or {}
    forms = evangelist.get("advocacy_form_names", [])
    if not isinstance(forms, list) or not all(isinstance(x, str) and x.strip() for x in forms):
        yield "evangelist.advocacy_form_names must be a list of form names"
    sql = v.get("sql") or {}
    if not isinstance(sql.get("qualifying_lead_statuses"), list):
        yield "sql.qualifying_lead_statuses must be a list of CRM lead statuses"
    if not isinstance(sql.get("opportunity_created_qualifies"), bool):
        yield "sql.opportunity_created_qualifies must be true or false"
    handoff = v.get("handoff") or {}
    if not _is_number(handoff.get("sla_hours")) or handoff["sla_hours"] <= 0:
        yield "handoff.sla_hours must be a positive number"
    if handoff.get("sla_clock") not in ("calendar", "business"):
        yield "handoff.sla_clock must be 'calendar' or 'business'"
    yield from _business_hours_problems(handoff.get("business_hours"))
    rejecting = {}
    for key in ("disqualified_lead_statuses", "recycled_lead_statuses"):
        statuses = handoff.get(key)
        if not isinstance(statuses, list) or not all(isinstance(x, str) and x.strip() for x in statuses):
            yield f"handoff.{key} must be a list of CRM lead statuses"
            statuses = []
        rejecting[key] = set(statuses)
    both = rejecting["disqualified_lead_statuses"] & rejecting["recycled_lead_statuses"]
    if both:
        yield f"handoff: statuses both disqualify and recycle a lead: {sorted(both)}"
    qualifying = sql.get("qualifying_lead_statuses")
    qualifying = set(qualifying) if isinstance(qualifying, list) else set()
    contradictory = qualifying & (rejecting["disqualified_lead_statuses"] | rejecting["recycled_lead_statuses"])
    if contradictory:
        yield f"handoff: statuses both qualify and reject a lead: {sorted(contradictory)}"
    recycle = v.get("recycle")
    if recycle is not None and (not isinstance(recycle, dict) or recycle.get("reentry_stage") not in REENTRY_STAGES):
        yield f"recycle.reentry_stage must be one of {list(REENTRY_STAGES)} (the stages whose rule can fire again)"


def _mql_option_problems(mql: dict[str, Any]):
    """The optional parts of the MQL rule: score decay, fit, source score (null or absent = off)."""
    if "score_decay" in mql and mql["score_decay"] is not None:
        decay = mql["score_decay"]
        half_life = decay.get("half_life_days") if isinstance(decay, dict) else None
        if not isinstance(decay, dict):
            yield "mql.score_decay must be a mapping {half_life_days: N} (or null for no decay)"
        elif half_life is not None and (not _is_number(half_life) or half_life <= 0):
            yield "mql.score_decay.half_life_days must be a positive number of days (or null for no decay)"
    if "fit" in mql and mql["fit"] is not None:
        fit = mql["fit"]
        if not isinstance(fit, dict):
            yield "mql.fit must be a mapping {regions: [...]} (or null for no fit criteria)"
        elif fit.get("regions") is not None and (
                not isinstance(fit["regions"], list) or not fit["regions"]
                or not all(isinstance(x, str) and x.strip() for x in fit["regions"])):
            yield "mql.fit.regions must be a non-empty list of sales regions (or null for any region)"
    threshold = mql.get("source_score_threshold")
    if threshold is not None and (not _is_number(threshold) or threshold <= 0):
        yield "mql.source_score_threshold must be a positive number (or null to switch the rule off)"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock_minutes(value: Any) -> int | None:
    """'HH:MM' -> minutes after midnight ('24:00' allowed), else None."""
    match = re.fullmatch(r"([01]\d|2[0-4]):([0-5]\d)", value) if isinstance(value, str) else None
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def _business_hours_problems(hours: Any):
    if not isinstance(hours, dict):
        yield "handoff.business_hours must be a mapping {start: \"HH:MM\", end: \"HH:MM\", days: [mon, ...]}"
        return
    start, end = _clock_minutes(hours.get("start")), _clock_minutes(hours.get("end"))
    if start is None or end is None:
        yield "handoff.business_hours.start and .end must be quoted times \"HH:MM\""
    elif end <= start:
        yield "handoff.business_hours must end after it starts"
    days = hours.get("days")
    if not isinstance(days, list) or not days or not set(days) <= set(WEEKDAYS) or len(set(days)) != len(days):
        yield f"handoff.business_hours.days must list distinct weekdays among {list(WEEKDAYS)}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
