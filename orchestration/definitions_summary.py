"""The governed definitions in plain words: ``smarketing definitions --summary [--lang en|es]``.

``summary(definitions, as_of=..., lang=...)`` describes the version in force on ``as_of`` rule by
rule and lists what changed from the version before it. The words come from the message catalogue
(orchestration/definitions_messages.py); this module picks the sentences and formats the values.
A setting this module does not describe still shows in the list of changes, by its key path.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from orchestration.definitions_messages import LANGUAGES, MESSAGES
from orchestration.funnel_definitions import ATTRIBUTION_POSITIONS, version_in_force

# Version keys that identify a version rather than state a rule: not listed as changes.
_NOT_RULES = ("version", "effective_from", "description")
_MISSING = object()


class _Words:
    def __init__(self, lang: str):
        if lang not in MESSAGES:
            raise ValueError(f"unknown language {lang!r}: choose one of {list(LANGUAGES)}")
        self.messages = MESSAGES[lang]

    def __call__(self, key: str, **values: Any) -> str:
        return self.messages[key].format(**values)

    def number(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        return f"{round(value, 9):g}".replace(".", self.messages["number.decimal"])

    def percent(self, share: Any) -> str:
        if isinstance(share, bool) or not isinstance(share, (int, float)):
            return str(share)
        return self("number.percent", number=self.number(round(share * 100, 9)))

    def join(self, items: list[str], conjunction: str = "and") -> str:
        items = [str(item) for item in items]
        if len(items) < 2:
            return "".join(items) or self("value.none")
        key = f"list.{conjunction}"
        sound = {"and": ("before_i", ("i", "hi")), "or": ("before_o", ("o", "ho"))}[conjunction]
        if items[-1].lower().startswith(sound[1]) and not items[-1].lower().startswith(("hie", "hia", "hio")):
            key = f"{key}.{sound[0]}"  # Spanish: "y" is "e" before an i sound, "o" is "u" before an o sound
        return self(key, head=", ".join(items[:-1]), last=items[-1])

    def days(self, days: list[str]) -> str:
        return self.join([self(f"day.{day}") if f"day.{day}" in self.messages else day for day in days])

    def position(self, position: str) -> str:
        key = f"position.{position}"
        return self(key) if key in self.messages else position


def summary(definitions: dict[str, Any], *, as_of: dt.date, lang: str = "en") -> str:
    """The version in force on ``as_of`` and its changes from the version before, in words."""
    words = _Words(lang)
    version = version_in_force(definitions, as_of)
    lines = [words("title", as_of=as_of.isoformat(), version=version["version"],
                   effective_from=version["effective_from"])]
    if version.get("owner"):
        lines.append(words("owner", owner=version["owner"]))
    if version.get("description"):
        lines.append(" ".join(str(version["description"]).split()))
    for section, sentences in _rules(definitions, version, words):
        lines += ["", words(f"section.{section}")]
        lines += [f"  - {sentence}" for sentence in sentences]
    previous = _previous_version(definitions, version)
    lines.append("")
    if previous is None:
        lines.append(words("changes.first"))
    else:
        lines.append(words("section.changes", version=previous["version"],
                           effective_from=previous["effective_from"]))
        changes = [_change_sentence(path, old, new, words) for path, old, new in _changes(previous, version)]
        lines += [f"  - {change}" for change in changes] or [f"  - {words('changes.none')}"]
    return "\n".join(lines) + "\n"


def _previous_version(definitions: dict[str, Any], version: dict[str, Any]) -> dict[str, Any] | None:
    earlier = [v for v in definitions["versions"] if v["effective_from"] < version["effective_from"]]
    return max(earlier, key=lambda v: v["effective_from"]) if earlier else None


def _rules(definitions: dict[str, Any], version: dict[str, Any], words: _Words):
    """(section, sentences) for every rule the version governs, in the order of the funnel."""
    reporting = definitions.get("reporting") or {}
    sentences = [words("reporting", currency=reporting.get("currency"), timezone=reporting.get("timezone"))]
    if reporting.get("content_attribution_model"):
        sentences.append(words("reporting.content_model", model=reporting["content_attribution_model"]))
    yield "reporting", sentences

    lead = version.get("lead") or {}
    sentences = []
    if lead.get("conversion_event_types"):
        sentences.append(words("lead.events", events=words.join(lead["conversion_event_types"], "or")))
    sentences.append(words("lead.crm_record" if lead.get("crm_lead_record_counts") else "lead.no_crm_record"))
    yield "lead", sentences

    mql = version.get("mql") or {}
    weights = mql.get("engagement_weights") or {}
    half_life = (mql.get("score_decay") or {}).get("half_life_days")
    sentences = [
        words("mql.threshold", threshold=words.number(mql.get("score_threshold"))),
        words("mql.weights", weights=", ".join(words("mql.weight", event=event, points=words.number(points))
                                               for event, points in weights.items())),
        words("mql.decay", days=words.number(half_life)) if half_life else words("mql.no_decay"),
    ]
    if mql.get("hand_raiser_event_types"):
        sentences.append(words("mql.hand_raisers", events=words.join(mql["hand_raiser_event_types"], "or")))
    regions = (mql.get("fit") or {}).get("regions")
    sentences.append(words("mql.fit", regions=words.join(regions)) if regions else words("mql.fit_any"))
    source_threshold = mql.get("source_score_threshold")
    sentences.append(words("mql.source_score", threshold=words.number(source_threshold)) if source_threshold
                     else words("mql.no_source_score"))
    for name, values in (mql.get("exclusions") or {}).items():
        key = "mql.exclusion_patterns" if str(name).endswith("_patterns") else "mql.exclusion"
        sentences.append(words(key, name=name, values=", ".join(values)))
    yield "mql", sentences

    sql = version.get("sql") or {}
    statuses = words.join(sql.get("qualifying_lead_statuses") or [], "or")
    yield "sql", [words("sql.statuses_or_opportunity" if sql.get("opportunity_created_qualifies") else "sql.statuses",
                        statuses=statuses)]

    forms = (version.get("evangelist") or {}).get("advocacy_form_names")
    yield "evangelist", [words("evangelist.forms", forms=words.join(forms, "or")) if forms
                         else words("evangelist.no_forms")]

    handoff = version.get("handoff") or {}
    hours = words.number(handoff.get("sla_hours"))
    if handoff.get("sla_clock") == "business":
        business = handoff.get("business_hours") or {}
        sla = words("handoff.business", hours=hours, start=business.get("start"), end=business.get("end"),
                    days=words.days(business.get("days") or []))
    else:
        sla = words("handoff.calendar", hours=hours)
    yield "handoff", [sla, words("handoff.rejections",
                                 disqualified=words.join(handoff.get("disqualified_lead_statuses") or [], "or"),
                                 recycled=words.join(handoff.get("recycled_lead_statuses") or [], "or"))]

    reentry = (version.get("recycle") or {}).get("reentry_stage")
    yield "recycle", [words(f"recycle.{reentry}" if f"recycle.{reentry}" in words.messages else "recycle.off")]

    attribution = version.get("attribution")
    if isinstance(attribution, dict):
        sentences = [words("attribution.window", days=words.number(attribution.get("lookback_days")))]
        for name, model in (attribution.get("models") or {}).items():
            sentences.append(words("attribution.model", name=name, shares=_model_shares(model, words)))
        yield "attribution", sentences


def _model_shares(model: dict[str, Any], words: _Words) -> str:
    positions = model.get("positions") or {}
    ordered = sorted(positions, key=lambda p: ATTRIBUTION_POSITIONS.index(p) if p in ATTRIBUTION_POSITIONS else 99)
    shares = [words("attribution.position", share=words.percent(positions[p]), position=words.position(p))
              for p in ordered]
    if model.get("others"):
        kind = ("others" if positions else "all") + ("_decay" if model.get("half_life_days") else "_equal")
        shares.append(words(f"attribution.{kind}", share=words.percent(model["others"]),
                            days=words.number(model.get("half_life_days"))))
    return words.join(shares)


def _changes(old: Any, new: Any, path: tuple[str, ...] = ()):
    """(path, old, new) for every setting that differs; a missing side is _MISSING. A mapping added
    or removed is listed setting by setting, except an attribution model, which is described whole."""
    if _compare_inside(old, new, path):
        old, new = (old if isinstance(old, dict) else {}), (new if isinstance(new, dict) else {})
        for key in [*new, *(k for k in old if k not in new)]:
            if path or key not in _NOT_RULES:
                yield from _changes(old.get(key, _MISSING), new.get(key, _MISSING), (*path, str(key)))
    elif old != new:
        yield path, old, new


def _compare_inside(old: Any, new: Any, path: tuple[str, ...]) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        return True
    one_side_only = (isinstance(old, dict) and new is _MISSING) or (old is _MISSING and isinstance(new, dict))
    return one_side_only and not (len(path) == 3 and path[:2] == ("attribution", "models"))


def _label(path: tuple[str, ...], words: _Words) -> str:
    for key, text in words.messages.items():
        if not key.startswith("label."):
            continue
        pattern = key.removeprefix("label.").split(".")
        if len(pattern) != len(path) or any(p not in ("*", s) for p, s in zip(pattern, path)):
            continue
        names = [words.position(s) if i and path[i - 1] == "positions" else s
                 for i, (p, s) in enumerate(zip(pattern, path)) if p == "*"]
        return text.format(*names)
    return ".".join(path)


def _value(path: tuple[str, ...], value: Any, words: _Words) -> str:
    if value is None:
        return words("value.none")
    if isinstance(value, bool):
        return words("value.yes" if value else "value.no")
    if path[-1] == "sla_clock" and f"clock.{value}" in words.messages:
        return words(f"clock.{value}")
    if path[-2:] == ("business_hours", "days") and isinstance(value, list):
        return words.days(value)
    if path[:1] == ("attribution",) and len(path) == 3 and path[1] == "models" and isinstance(value, dict):
        return _model_shares(value, words)
    if path[:1] == ("attribution",) and (path[-1] == "others" or (len(path) > 1 and path[-2] == "positions")):
        return words.percent(value)
    if isinstance(value, list):
        return ", ".join(_value(path, item, words) for item in value) or words("value.none")
    if isinstance(value, dict):
        return "; ".join(f"{key} {_value((*path, str(key)), item, words)}" for key, item in value.items())
    return words.number(value)


def _change_sentence(path: tuple[str, ...], old: Any, new: Any, words: _Words) -> str:
    label = _label(path, words)
    if old is _MISSING:
        return words("change.added", label=label, new=_value(path, new, words))
    if new is _MISSING:
        return words("change.removed", label=label, old=_value(path, old, words))
    return words("change.changed", label=label, old=_value(path, old, words), new=_value(path, new, words))


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a catalogue message."""
    return set(re.findall(r"\{([^{}]*)\}", text))
