import datetime as dt
import json

import pytest
import yaml

from orchestration.funnel_definitions import (
    FUNNEL_STAGES,
    DefinitionsError,
    dbt_vars,
    load_definitions,
    version_in_force,
)
from orchestration.settings import DEFINITIONS_FILE


def governed() -> dict:
    return yaml.safe_load(DEFINITIONS_FILE.read_text())


def write(tmp_path, data) -> str:
    path = tmp_path / "proposed.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_governed_file_is_valid_and_round_trips_to_dbt_vars():
    definitions = load_definitions()
    assert tuple(definitions["stages"]) == FUNNEL_STAGES
    assert json.loads(dbt_vars(definitions)) == {"funnel_definitions": definitions}


def test_effective_dates_become_iso_strings(tmp_path):
    data = governed()
    data["versions"][0]["effective_from"] = dt.date(2021, 2, 3)
    assert load_definitions(write(tmp_path, data))["versions"][0]["effective_from"] == "2021-02-03"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["versions"][0]["mql"].update(score_threshold=0), "versions[0].mql.score_threshold"),
        (lambda d: d["versions"][0]["mql"].update(hand_raiser_event_types=["fax"]), "without a weight: ['fax']"),
        (lambda d: d["versions"][0]["handoff"].update(sla_clock="lunar"), "versions[0].handoff.sla_clock"),
        (lambda d: d["versions"][0]["handoff"].pop("business_hours"), "versions[0].handoff.business_hours must be"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(start="9am"), "business_hours.start and .end"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(start="18:00", end="09:00"),
         "business_hours must end after it starts"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(end="24:30"), "business_hours.start and .end"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(days=["monday"]), "business_hours.days"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(days=[]), "business_hours.days"),
        (lambda d: d["versions"][0]["handoff"].update(recycled_lead_statuses="Recycled"),
         "versions[0].handoff.recycled_lead_statuses must be a list"),
        (lambda d: d["versions"][0]["handoff"].pop("disqualified_lead_statuses"),
         "versions[0].handoff.disqualified_lead_statuses must be a list"),
        (lambda d: d["versions"][0]["handoff"].update(recycled_lead_statuses=["Disqualified"]),
         "both disqualify and recycle a lead: ['Disqualified']"),
        (lambda d: d["versions"][0]["handoff"].update(disqualified_lead_statuses=["Sales Qualified"]),
         "both qualify and reject a lead: ['Sales Qualified']"),
        (lambda d: d["versions"][0]["recycle"].update(reentry_stage="sql"), "versions[0].recycle.reentry_stage"),
        (lambda d: d["versions"][0]["mql"].update(score_decay={"half_life_days": 0}),
         "versions[0].mql.score_decay.half_life_days must be a positive number"),
        (lambda d: d["versions"][0]["mql"].update(score_decay={"points_per_week": 5}),
         "versions[0].mql.score_decay: unknown key 'points_per_week'"),
        (lambda d: d["versions"][0]["mql"].update(fit={"regions": "Europe"}), "versions[0].mql.fit.regions must be"),
        (lambda d: d["versions"][0]["mql"].update(fit={"segments": ["SMB"]}), "versions[0].mql.fit: unknown key 'segments'"),
        (lambda d: d["versions"][0]["mql"].update(source_score_threshold="high"),
         "versions[0].mql.source_score_threshold must be"),
        (lambda d: d["versions"][0]["mql"]["exclusions"].update(student_email_domain_patterns="%.edu"),
         "versions[0].mql.exclusions.student_email_domain_patterns must be a list of LIKE patterns"),
        (lambda d: d["versions"][0].pop("attribution"), "versions[0].attribution must be a mapping"),
        (lambda d: d["versions"][0]["attribution"].update(lookback_days=0), "attribution.lookback_days"),
        (lambda d: d["versions"][0]["attribution"].update(lookback_days=30.5), "attribution.lookback_days"),
        (lambda d: d["versions"][0]["attribution"]["models"]["u_shaped"].update(others=0.3),
         "attribution.models.u_shaped: weights must add up to 1, they add up to 1.1"),
        (lambda d: d["versions"][0]["attribution"]["models"]["u_shaped"]["positions"].update(middle=0.1),
         "attribution.models.u_shaped.positions must map positions among"),
        (lambda d: d["versions"][0]["attribution"]["models"].update(custom={"positions": {"first_touch": 1.5},
                                                                            "others": -0.5}),
         "attribution.models.custom: weights must be numbers between 0 and 1"),
        (lambda d: d["versions"][0]["attribution"]["models"]["time_decay"].update(half_life_days=0),
         "attribution.models.time_decay.half_life_days must be a positive number"),
        (lambda d: d["versions"][0]["attribution"]["models"].update({"U shaped": {"others": 1}}),
         "a model name must be a lower-case identifier"),
        (lambda d: d["versions"][0]["attribution"]["models"].update(decay={"positions": {"first_touch": 1},
                                                                           "half_life_days": 7}),
         "attribution.models.decay.half_life_days needs a weight for the others"),
        (lambda d: d["versions"][0]["attribution"]["models"].update(neural={"method": "neural"}),
         "attribution.models.neural: a data-driven model is {method: markov} or {method: shapley} only"),
        (lambda d: d["versions"][0]["attribution"]["models"]["markov"].update(others=1),
         "attribution.models.markov: a data-driven model is {method: markov} or {method: shapley} only"),
        (lambda d: d["versions"][0]["attribution"].pop("data_driven"),
         "attribution.data_driven must be a mapping with"),
        (lambda d: d["versions"][0]["attribution"]["data_driven"].update(state="campaign_name"),
         "attribution.data_driven.state must be one of ['channel', 'team', 'touch_type']"),
        (lambda d: d["versions"][0]["attribution"]["data_driven"].update(conversion="mql"),
         "attribution.data_driven.conversion must be one of ['won_opportunity']"),
        (lambda d: d["versions"][0]["attribution"]["data_driven"].update(min_journeys=0),
         "attribution.data_driven.min_journeys must be a positive whole number"),
        (lambda d: d["versions"][0]["attribution"]["data_driven"].update(min_converting_journeys="10"),
         "attribution.data_driven.min_converting_journeys must be a positive whole number"),
        (lambda d: d["touches"].update(engagement_event_types=["email_open", "fax"]),
         "touches.engagement_event_types names event types engagement_events never produces: ['fax']"),
        (lambda d: d["touches"].update(attended_member_statuses="Attended"), "touches.attended_member_statuses"),
        (lambda d: d["reporting"].update(currency="euro"), "reporting.currency"),
        (lambda d: d["reporting"].update(timezone="Mars/Olympus"), "reporting.timezone"),
        (lambda d: d["reporting"].update(content_attribution_model="w_shapd"),
         "reporting.content_attribution_model 'w_shapd' is not an attribution model of versions[0] (it has ["),
        (lambda d: d["reporting"].update(content_attribution_model=["linear"]),
         "reporting.content_attribution_model must be the name of an attribution model"),
        (lambda d: d.update(stages=["lead", "mql"]), "stages must be exactly"),
        (lambda d: d["segments"][0].update(max_employees=None), "only the last band"),
        (lambda d: d["versions"].append(dict(d["versions"][0])), "unique, non-empty name"),
        (lambda d: d["versions"][0].update(effective_from="next monday"), "effective_from must be an ISO date"),
    ],
)
def test_invalid_definitions_name_the_key_path(tmp_path, mutate, message):
    data = governed()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(DefinitionsError) as exc:
        load_definitions(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(DefinitionsError, match="definitions file not found"):
        load_definitions(tmp_path / "nope.yml")


def test_version_in_force_picks_latest_effective_on_or_before_the_date():
    definitions = governed()
    first = definitions["versions"][0]
    later = {**first, "version": "later", "effective_from": "2026-07-01"}
    definitions["versions"].append(later)
    definitions = json.loads(json.dumps(definitions, default=str))
    assert version_in_force(definitions, dt.date(2026, 6, 30))["version"] == first["version"]
    assert version_in_force(definitions, dt.date(2026, 7, 1))["version"] == "later"
    with pytest.raises(DefinitionsError, match="no definitions version is in force"):
        version_in_force(definitions, dt.date(1999, 1, 1))


def test_business_hours_may_end_at_midnight_and_cover_any_weekdays(tmp_path):
    data = governed()
    data["versions"][0]["handoff"]["business_hours"] = {"start": "00:00", "end": "24:00", "days": ["sat", "sun"]}
    assert load_definitions(write(tmp_path, data))["versions"][0]["handoff"]["business_hours"]["end"] == "24:00"


def test_a_misspelt_key_is_named_with_the_closest_known_key(tmp_path):
    data = governed()
    proposed = {**data["versions"][0], "version": "2026.1", "effective_from": "2026-07-01"}
    proposed["mql"] = {**proposed["mql"], "score_treshold": 50}
    del proposed["mql"]["score_threshold"]
    data["versions"].append(proposed)
    path = write(tmp_path, data)
    with pytest.raises(DefinitionsError) as exc:
        load_definitions(path)
    assert str(exc.value) == (
        f"{path}: versions[1].mql: unknown key 'score_treshold' (did you mean 'score_threshold'?); "
        "versions[1].mql.score_threshold must be a positive number"
    )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(segmnts=[]), "unknown top-level key 'segmnts' (did you mean 'segments'?)"),
        (lambda d: d["versions"][0]["handoff"].update(sla_hour=8),
         "versions[0].handoff: unknown key 'sla_hour' (did you mean 'sla_hours'?)"),
        (lambda d: d["versions"][0]["handoff"]["business_hours"].update(weekdays=["mon"]),
         "versions[0].handoff.business_hours: unknown key 'weekdays'"),
        (lambda d: d["versions"][0]["attribution"]["models"]["time_decay"].update(half_life=3),
         "versions[0].attribution.models.time_decay: unknown key 'half_life' (did you mean 'half_life_days'?)"),
        (lambda d: d["versions"][0]["attribution"].update(lookback=30),
         "versions[0].attribution: unknown key 'lookback' (did you mean 'lookback_days'?)"),
        (lambda d: d["versions"][0]["attribution"]["models"]["u_shaped"]["positions"].update(first_tuch=0),
         "positions among ['first_touch', 'lead_creation', 'opportunity_creation', 'closed_won', 'last_touch'] to "
         "weights ('first_tuch': did you mean 'first_touch'?)"),
        (lambda d: d["engagement_events"]["form_event_types"][0].update(patern="%x%"),
         "engagement_events.form_event_types[0]: unknown key 'patern' (did you mean 'pattern'?)"),
    ],
)
def test_unknown_keys_are_reported_at_their_path(tmp_path, mutate, message):
    data = governed()
    mutate(data)
    with pytest.raises(DefinitionsError) as exc:
        load_definitions(write(tmp_path, data))
    assert message in str(exc.value)


def test_names_in_walked_mappings_are_data_not_keys(tmp_path):
    """Event types, exclusion lists and model names are the file's own vocabulary."""
    data = governed()
    version = data["versions"][0]
    version["mql"]["engagement_weights"]["chat_started"] = 3
    version["mql"]["exclusions"]["partner_domains"] = ["partner.example"]
    version["attribution"]["models"]["halves"] = {"positions": {"first_touch": 0.5, "last_touch": 0.5}}
    assert load_definitions(write(tmp_path, data))["versions"][0]["attribution"]["models"]["halves"]


def test_a_key_the_validation_reads_is_known_without_further_listing(tmp_path, monkeypatch):
    """The known keys are the ones the validation reads: a new setting checked there is accepted
    in every version, and still unknown before its check exists."""
    import orchestration.funnel_definitions as fd

    data = governed()
    data["versions"][0]["attribution"]["reporting_model"] = "w_shaped"
    path = write(tmp_path, data)
    with pytest.raises(DefinitionsError, match="versions\\[0\\].attribution: unknown key 'reporting_model'"):
        load_definitions(path)

    checks = fd._attribution_problems

    def with_reporting_model(attribution):
        yield from checks(attribution)
        if isinstance(attribution, dict) and attribution.get("reporting_model") not in (attribution.get("models") or {}):
            yield "attribution.reporting_model must name one of the models"

    monkeypatch.setattr(fd, "_attribution_problems", with_reporting_model)
    assert load_definitions(path)["versions"][0]["attribution"]["reporting_model"] == "w_shaped"
