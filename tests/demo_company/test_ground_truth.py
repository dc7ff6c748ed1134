"""The default demo (seed 42, 3000 people): the ground-truth file, and the edge cases the data must exercise."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from demo_company import generate
from demo_company.clock import AS_OF
from demo_company.oracle import compute_ground_truth, first_trigger, load_definitions, normalise_email, person_key
from demo_company.profiles import PROFILES
from demo_company.simulate import simulate
from demo_company.clock import CANONICAL_AS_OF
from demo_records import PRODUCT_FILES

STAGES = ["subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist"]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("default")
    generate(root, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    return json.loads((root / "_ground_truth" / "ground_truth.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def default_run():
    simulation = simulate(3000, 42, "salesforce+hubspot")
    truth = compute_ground_truth(simulation.drop, load_definitions(AS_OF.date(), **PRODUCT_FILES))
    return simulation, truth


def test_the_document_says_what_it_was_computed_from(document):
    assert (document["seed"], document["people"], document["profile"]) == (42, 3000, "salesforce+hubspot")
    assert document["definitions_version"] == "2025.1"
    assert document["reporting_currency"] == "EUR"
    assert document["as_of"] == "2026-11-01T00:00:00Z"


def test_persons_carry_a_key_and_one_time_per_stage(document):
    persons = document["persons"]
    assert len({p["person_key"] for p in persons}) == len(persons) >= 3000
    for person in persons:
        assert re.fullmatch(r"[0-9a-f]{64}", person["person_key"])  # HMAC-SHA256 as hex
        times = [person[f"became_{stage}_at"] for stage in STAGES]
        assert all(t is None or (ISO.match(t) and t < document["as_of"]) for t in times)
        present = [t for t in times if t is not None]
        assert present == sorted(present), "stage times must not go backwards down the funnel"
        assert times[0] is not None


def test_stage_counts_match_the_persons_and_never_grow_down_the_funnel(document):
    counts = document["stage_counts"]
    assert list(counts) == STAGES
    for stage in STAGES:
        assert counts[stage] == sum(1 for p in document["persons"] if p[f"became_{stage}_at"])
    values = list(counts.values())
    assert values == sorted(values, reverse=True)
    assert counts["evangelist"] > 0


def test_opportunities_and_revenue_add_up(document):
    opportunities = document["opportunities"]
    keys = {p["person_key"] for p in document["persons"]}
    for o in opportunities:
        assert MONEY.match(o["amount"]) and MONEY.match(o["amount_reporting"])
        assert o["currency"] in ("EUR", "USD")
        assert o["person_key"] in keys and set(o["person_keys"]) <= keys
        assert (o["closed_at"] is not None) == o["is_closed"]
        assert not o["is_won"] or o["is_closed"]
        if o["currency"] == "EUR":
            assert o["amount_reporting"] == o["amount"]
    won = [o for o in opportunities if o["is_won"]]
    assert Decimal(document["won_revenue_reporting"]) == sum(Decimal(o["amount_reporting"]) for o in won)
    by_currency = Counter()
    for o in won:
        by_currency[o["currency"]] += Decimal(o["amount"])
    assert {k: Decimal(v) for k, v in document["won_revenue_by_currency"].items()} == dict(by_currency)
    assert set(document["won_revenue_by_currency"]) == {"EUR", "USD"}


def test_the_ground_truth_holds_no_email_addresses(document):
    assert "@" not in json.dumps(document)


# ------------------------------------------------------------------------------------------------ edge cases


def test_scores_crossing_at_one_instant_and_decay_and_fit_that_decide_are_present(default_run):
    # Exact equality with the threshold is a unit-test case (tests/demo_company/test_oracle.py and the dbt unit
    # tests): with the demo's score decay, a real score almost never lands on the threshold exactly.
    _, truth = default_run
    definitions = truth.definitions
    threshold, weights = definitions.score_threshold, definitions.engagement_weights
    assert definitions.score_half_life_days is not None and definitions.fit_regions is not None
    scored = [p for p in truth.persons.values() if p.mql_reason == "score"]
    assert scored and all(p.score_at_mql >= threshold for p in scored)
    assert any(sum(1 for e in p.events if e.occurred_at == p.own["mql"] and weights[e.event_type] > 0) > 1
               for p in scored)
    candidates = [p for p in truth.persons.values() if not p.excluded and p.mql_reason != "score"]
    # Decay decides: people who fit, whose undecayed score reached the threshold, are no MQL by score.
    assert any(p.fits and sum(weights[e.event_type] for e in p.events) >= threshold for p in candidates)
    # Fit decides: people outside the fit regions whose decayed score reached the threshold.
    assert any(not p.fits and first_trigger(p.events, definitions)[1] == "score" for p in candidates)


def test_hand_raisers_below_the_threshold_and_excluded_high_scorers_are_present(default_run):
    _, truth = default_run
    weights, threshold = truth.definitions.engagement_weights, truth.definitions.score_threshold
    assert any(p.mql_reason == "hand_raiser" and p.score_at_mql - weights["demo_request"] < threshold
               for p in truth.persons.values())
    excluded_high = [p for p in truth.persons.values()
                     if p.excluded and sum(weights[e.event_type] for e in p.events) >= threshold]
    assert excluded_high and all(p.own["mql"] is None for p in excluded_high)
    assert any(p.excluded and p.stages["sql"] is not None for p in truth.persons.values())


def test_people_skip_stages(default_run):
    _, truth = default_run
    persons = truth.persons.values()
    # Sales-sourced leads qualified with no marketing history; opportunities without an MQL of their own.
    assert any(p.own["lead"] and not p.events and p.own["sql"] and not p.own["mql"] for p in persons)
    assert any(p.own["opportunity"] and not p.own["mql"] and not p.own["lead"] for p in persons)
    assert any(p.own["customer"] and p.own["evangelist"] for p in persons)


def test_sales_process_edge_cases_are_present(default_run):
    simulation, truth = default_run
    drop = simulation.drop
    history = drop.sf_lead_history
    assert any(h.field == "Status" and h.new_value == "Recycled" for h in history)
    recycled_then_qualified = {h.lead_id for h in history if h.new_value == "Recycled"} & {
        h.lead_id for h in history if h.new_value == "Sales Qualified"}
    assert recycled_then_qualified
    assert any(h.field == "Owner" for h in history)
    assert any(lead.disqualification_reason for lead in drop.sf_leads)
    deleted = [o for o in drop.sf_opportunities if o.is_deleted]
    assert deleted and not {o.id for o in deleted} & {o.opportunity_id for o in truth.opportunities}
    assert any(lead.converted_opportunity_id in {o.id for o in deleted} for lead in drop.sf_leads)
    assert any(len(o.person_keys) >= 3 for o in truth.opportunities)
    assert {"won", "lost", "open"} <= {"won" if o.is_won else "lost" if o.is_closed else "open"
                                      for o in truth.opportunities}
    with_history = {h.opportunity_id for h in drop.sf_opportunity_history}
    assert any(o.is_closed and o.id not in with_history for o in drop.sf_opportunities)
    reopened = Counter((h.opportunity_id, h.stage_name) for h in drop.sf_opportunity_history
                       if h.stage_name.startswith("Closed"))
    assert any(n > 1 for n in reopened.values())


def test_sla_breaches_and_untouched_leads_are_present(default_run):
    simulation, _ = default_run
    drop = simulation.drop
    first_touch: dict[str, object] = {}
    for activity in [*drop.sf_tasks, *drop.sf_events]:
        first_touch[activity.who_id] = min(first_touch.get(activity.who_id, activity.created_at), activity.created_at)
    delays = [(first_touch[lead.id] - lead.created_at).total_seconds() / 3600
              for lead in drop.sf_leads if lead.id in first_touch]
    assert any(d > 24 for d in delays) and any(d < 1 for d in delays)
    assert any(lead.id not in first_touch for lead in drop.sf_leads)


def test_emails_are_spelled_differently_across_systems(default_run):
    simulation, _ = default_run
    drop = simulation.drop
    hubspot = {normalise_email(c.email): c.email for c in drop.hs_contacts if c.email}
    salesforce = [lead.email for lead in drop.sf_leads if lead.email and normalise_email(lead.email) in hubspot]
    assert any(email != hubspot[normalise_email(email)] for email in salesforce)
    assert any(email != email.strip() for email in salesforce + [c.email for c in drop.sf_contacts if c.email])
    domains = Counter(email.split("@")[1] for email in hubspot)
    assert domains["rivalmetrics.io"] and domains["smarketing-demo.com"] and domains["gmail.com"]


@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "salesforce+hubspot"])
def test_every_profile_has_a_complete_monotonic_funnel(profile):
    simulation = simulate(1200, 42, profile)
    truth = compute_ground_truth(simulation.drop, load_definitions(date(2026, 11, 1), **PRODUCT_FILES))
    counts = list(truth.stage_counts().values())
    assert counts == sorted(counts, reverse=True)
    assert counts[5] > 0, "no customers"
    if profile != "salesforce":
        assert counts[6] > 0, "no evangelists"


def test_the_week_after_the_full_exports_changes_records_and_deletes_duplicates(default_run):
    simulation, _ = default_run
    drop = simulation.drop
    since = drop.previous.taken_at
    leads = {lead.id: lead for lead in drop.previous.sf_leads}
    changed = [lead for lead in drop.sf_leads if lead.modified_at >= since]
    assert any(lead.id not in leads for lead in changed), "leads created since the full export"
    assert any(lead.id in leads and leads[lead.id].status != lead.status for lead in changed)
    assert any(lead.is_converted and not leads[lead.id].is_converted for lead in changed if lead.id in leads)
    assert len([lead for lead in changed if lead.is_deleted]) >= 2
    contacts = {c.id: c for c in drop.previous.hs_contacts}
    changed_contacts = [c for c in drop.hs_contacts if c.modified_at >= since and c.id in contacts]
    for field in ("lifecycle_stage", "score", "lead_status"):
        assert any(getattr(contacts[c.id], field) != getattr(c, field) for c in changed_contacts), field


def test_deleted_leads_no_longer_date_their_people(default_run):
    simulation, truth = default_run
    drop = simulation.drop
    deleted = [lead for lead in drop.sf_leads if lead.is_deleted]
    restored = dataclasses.replace(
        drop, sf_leads=[dataclasses.replace(lead, is_deleted=False) for lead in drop.sf_leads])
    with_deleted = compute_ground_truth(restored, truth.definitions)
    differ = [k for k, p in truth.persons.items() if p.stages != with_deleted.persons[k].stages]
    assert differ, "merging the duplicates away must show in the funnel"
    for lead in deleted:
        key = person_key(lead.email, "salesforce_lead", lead.id)
        assert key not in truth.persons or truth.persons[key].own["subscriber"] != lead.created_at
