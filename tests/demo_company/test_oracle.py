"""The ground-truth oracle on tiny hand-built record sets, against hand-computed answers."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import date, timedelta
from decimal import Decimal

import pytest
from demo_records import (
    CHANNELS, PRODUCT_FILES, at, definitions_document, drop, email_event, form, hs_contact, hs_deal, mk_activity,
    mk_lead, opportunity, rate, role, sf_contact, sf_lead, stage, status,
)
from hypothesis import given
from hypothesis import strategies as st

from demo_company.oracle import (
    STAGES, backfill, classify_form, cohort_conversion, compute_ground_truth,
    definitions_from_document, ilike, load_definitions, person_key,
)

DEFS = definitions_from_document(definitions_document(), date(2026, 11, 1), CHANNELS)
ANA = "ana.garcia@acme.es"


# The demo company's person-key secret, written out here so the expected keys do not come from the oracle.
DEMO_SECRET = b"smarketing-demo-company-person-key-secret"


def keyed(text: str) -> str:
    return hmac.new(DEMO_SECRET, text.encode(), hashlib.sha256).hexdigest()


def key(email: str) -> str:
    return keyed(f"email:{email}")


def funnel(truth, email_or_key: str) -> dict[str, str | None]:
    person = truth.persons[key(email_or_key) if "@" in email_or_key else email_or_key]
    return {s: None if t is None else t.strftime("%Y-%m-%d %H:%M") for s, t in person.stages.items()}


# ------------------------------------------------------------------------------------------------ identity


def test_person_key_is_the_keyed_hash_of_the_trimmed_lower_case_email():
    assert person_key("  Ana.Garcia@Acme.ES ", "hubspot_contact", "1") == key(ANA)
    assert person_key(None, "salesforce_lead", "00Q5g000001") == keyed("salesforce_lead:00Q5g000001")
    assert person_key("   ", "marketo_lead", "42") == keyed("marketo_lead:42")
    assert person_key(ANA, "hubspot_contact", "1") != hashlib.md5(f"email:{ANA}".encode()).hexdigest()


def test_records_in_every_system_with_differently_cased_emails_are_one_person():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        sf_leads=[sf_lead("00QA", "Ana.Garcia@Acme.es ", "2026-01-03 12:00")],
        mk_leads=[mk_lead("7", "ANA.GARCIA@acme.es", "2026-01-04 08:00")],
    ), DEFS)
    assert list(truth.persons) == [key(ANA)]
    assert funnel(truth, ANA)["subscriber"] == "2026-01-03 12:00"


def test_a_record_without_email_is_a_person_of_its_own():
    truth = compute_ground_truth(drop(sf_leads=[sf_lead("00QX", None, "2026-02-01 10:00"),
                                                sf_lead("00QY", "", "2026-02-01 11:00")]), DEFS)
    assert set(truth.persons) == {person_key(None, "salesforce_lead", "00QX"),
                                  person_key(None, "salesforce_lead", "00QY")}


# ------------------------------------------------------------------------------------------------ classification


@pytest.mark.parametrize("value, pattern, expected", [
    ("Ebook download: Lead scoring playbook", "%ebook%", True),
    ("Descarga e-book: Guía del embudo B2B", "%ebook%", False),
    ("DEMO request", "%demo%", True),
    ("abc", "a_c", True),
    ("ac", "a_c", False),
    ("a.c", "a_c", True),
    ("50% off", "50%", True),
    ("anything at all", "%", True),
    ("", "%", True),
    ("x", "", False),
])
def test_ilike_follows_sql_like_semantics_case_insensitively(value, pattern, expected):
    assert ilike(value, pattern) is expected


def test_forms_are_classified_by_the_first_matching_pattern():
    assert classify_form("Webinar registration: Product Demo Day", DEFS) == "demo_request"
    assert classify_form("Webinar registration: From MQL to Revenue", DEFS) == "webinar_registration"
    assert classify_form("Contact Sales", DEFS) == "demo_request"
    assert classify_form("Whitepaper: Multi-touch attribution", DEFS) == "content_download"
    assert classify_form("Descarga e-book: Guía del embudo B2B", DEFS) == "form_submission"
    assert classify_form("Newsletter signup", DEFS) == "form_submission"


# ------------------------------------------------------------------------------------------------ lead and MQL


def test_running_score_reaching_the_threshold_exactly_makes_an_mql():
    # 15 (ebook) + 10 (webinar) + 10 (form) + 0 (open) + 5 (click) = 40 == threshold
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00"), hs_contact("102", "luis@acme.es", "2026-01-05 09:00")],
        hs_form_submissions=[
            form("101", ANA, "Ebook download: Benchmarks", "2026-01-10 10:00"),
            form("101", ANA, "Webinar registration: SLAs", "2026-01-12 16:30"),
            form("101", ANA, "Newsletter signup", "2026-01-15 08:00"),
            form("102", "luis@acme.es", "Ebook download: Benchmarks", "2026-01-10 10:00"),
            form("102", "luis@acme.es", "Webinar registration: SLAs", "2026-01-12 16:30"),
            form("102", "luis@acme.es", "Newsletter signup", "2026-01-15 08:00"),
        ],
        hs_email_events=[
            email_event(ANA, "DELIVERED", "2026-01-20 08:30"),
            email_event(ANA, "OPEN", "2026-01-20 09:00"),
            email_event(ANA, "CLICK", "2026-01-20 09:02"),
            email_event("luis@acme.es", "OPEN", "2026-01-20 09:00"),   # opens weigh nothing: Luis stays at 35
        ],
    ), DEFS)
    assert funnel(truth, ANA) == {"subscriber": "2026-01-05 09:00", "lead": "2026-01-10 10:00",
                                  "mql": "2026-01-20 09:02", "sql": None, "opportunity": None, "customer": None,
                                  "evangelist": None}
    assert truth.persons[key(ANA)].score_at_mql == 40
    assert funnel(truth, "luis@acme.es")["mql"] is None


def test_events_at_the_same_instant_are_summed_before_comparing_with_the_threshold():
    # With an open weighing -10, a form (+10) and an open (-10) in the same minute add up to 0:
    # the score never passes 35, although counting the form alone would have reached 45.
    defs = definitions_from_document(definitions_document(engagement_weights={
        "email_open": -10, "email_click": 5, "web_visit": 2, "form_submission": 10, "content_download": 15,
        "webinar_registration": 10, "demo_request": 40}), date(2026, 11, 1), CHANNELS)
    records = dict(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[
            form("101", ANA, "Ebook download: A", "2026-01-10 10:00"),
            form("101", ANA, "Ebook download: B", "2026-01-11 10:00"),
            form("101", ANA, "Guide", "2026-01-12 10:00"),
        ],
        hs_email_events=[email_event(ANA, "CLICK", "2026-01-09 10:00"),
                         email_event(ANA, "OPEN", "2026-01-12 10:00")],
    )
    assert funnel(compute_ground_truth(drop(**records), defs), ANA)["mql"] is None
    # One more click later reaches 40 (5 + 15 + 15 + 10 - 10 + 5).
    records["hs_email_events"].append(email_event(ANA, "CLICK", "2026-01-13 11:00"))
    assert funnel(compute_ground_truth(drop(**records), defs), ANA)["mql"] == "2026-01-13 11:00"


def test_same_instant_events_cross_the_threshold_together():
    truth = compute_ground_truth(drop(
        mk_leads=[mk_lead("7", ANA, "2026-01-05 09:00")],
        mk_activities=[
            mk_activity("7", 2, "2026-01-06 10:00", "Ebook download: A"),       # 15
            mk_activity("7", 2, "2026-01-07 10:00", "Ebook download: B"),       # 30
            mk_activity("7", 1, "2026-01-08 12:00", "/pricing"),                # 32
            mk_activity("7", 2, "2026-01-09 12:00", "Partner event sign-up"),   # 42 with the visit below
            mk_activity("7", 1, "2026-01-09 12:00", "/events"),
            mk_activity("7", 10, "2026-01-09 12:00", "Newsletter.Email"),
        ],
    ), DEFS)
    assert funnel(truth, ANA)["mql"] == "2026-01-09 12:00"
    assert truth.persons[key(ANA)].score_at_mql == 44


def merge_leads(winner: str, when: str, *merged_ids: int):
    return dataclasses.replace(mk_activity(winner, 32, when, "Ana García"), attributes={"Merge IDs": list(merged_ids)})


def test_activities_of_merged_marketo_leads_count_for_the_winning_leads_person():
    # 9 was merged into 8, 8 into 7 (7 lists itself too); 8 is still in the leads under an old address.
    # The sign-up on 9 makes 40 (15 + 15 + 10): only counted for Ana through the merges.
    records = dict(
        mk_leads=[mk_lead("7", ANA, "2026-01-05 09:00"), mk_lead("8", "ana@old-mail.es", "2026-01-02 09:00")],
        mk_activities=[
            mk_activity("7", 2, "2026-01-06 10:00", "Ebook download: A"),
            mk_activity("7", 2, "2026-01-07 10:00", "Ebook download: B"),
            mk_activity("9", 2, "2026-01-09 12:00", "Partner event sign-up"),
            merge_leads("8", "2026-02-01 10:00", 9),
            merge_leads("7", "2026-02-02 10:00", 7, 8),
        ],
    )
    truth = compute_ground_truth(drop(**records), DEFS)
    assert funnel(truth, ANA)["mql"] == "2026-01-09 12:00"
    # The merged lead is no person of its own, and its creation is not Ana's.
    assert key("ana@old-mail.es") not in truth.persons
    assert funnel(truth, ANA)["subscriber"] == "2026-01-05 09:00"
    # Without the merges the sign-up is another person's and Ana stays below 40.
    records["mk_activities"] = records["mk_activities"][:3]
    records["mk_leads"].append(mk_lead("9", None, "2026-01-08 09:00"))
    assert funnel(compute_ground_truth(drop(**records), DEFS), ANA)["mql"] is None


def test_a_hand_raiser_qualifies_at_once_whatever_the_score():
    # The demo weighs 20 here, below the threshold of 40: only the hand-raiser rule makes Ana an MQL.
    defs = definitions_from_document(definitions_document(engagement_weights={
        "email_open": 0, "email_click": 5, "web_visit": 2, "form_submission": 10, "content_download": 15,
        "webinar_registration": 10, "demo_request": 20}), date(2026, 11, 1), CHANNELS)
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, "Newsletter signup", "2026-01-05 09:00"),
                             form("101", ANA, "Demo request", "2026-02-01 15:45")],
    ), defs)
    person = truth.persons[key(ANA)]
    assert funnel(truth, ANA)["mql"] == "2026-02-01 15:45"
    assert (person.mql_reason, person.score_at_mql) == ("hand_raiser", 30)


@pytest.mark.parametrize("email", ["ana@GMail.com ", "spy@rivalmetrics.io", "qa@smarketing-demo.com"])
def test_excluded_domains_never_become_mql_by_their_own_events(email):
    normalised = email.strip().lower()
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", email, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", email, "Demo request", "2026-01-06 10:00"),
                             form("101", email, "Ebook download: A", "2026-01-07 10:00"),
                             form("101", email, "Ebook download: B", "2026-01-08 10:00")],
    ), DEFS)
    person = truth.persons[key(normalised)]
    assert person.excluded
    assert funnel(truth, normalised)["lead"] == "2026-01-06 10:00"
    assert funnel(truth, normalised)["mql"] is None


def test_an_excluded_person_qualified_by_sales_gets_mql_backfilled_from_sql():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", "ana@gmail.com", "2026-01-05 09:00")],
        hs_form_submissions=[form("101", "ana@gmail.com", "Demo request", "2026-01-06 10:00")],
        sf_leads=[sf_lead("00QA", "ana@gmail.com", "2026-01-06 10:07")],
        sf_lead_history=[status("00QA", "Open - Not Contacted", "Working - Contacted", "2026-01-06 14:00"),
                         status("00QA", "Working - Contacted", "Sales Qualified", "2026-01-09 11:20")],
    ), DEFS)
    assert funnel(truth, "ana@gmail.com") == {
        "subscriber": "2026-01-05 09:00", "lead": "2026-01-06 10:00", "mql": "2026-01-09 11:20",
        "sql": "2026-01-09 11:20", "opportunity": None, "customer": None, "evangelist": None}


def test_a_salesforce_lead_record_makes_a_lead_and_other_fields_do_not_qualify():
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QA", ANA, "2026-02-01 10:00")],
        sf_lead_history=[
            status("00QA", None, "Sales Qualified", "2026-02-02 09:00", field="Disqualification_Reason__c"),
            status("00QA", "Open - Not Contacted", "Working - Contacted", "2026-02-02 10:00"),
            status("00QA", "Working - Contacted", "Recycled", "2026-02-10 10:00"),
            status("00QA", "Recycled", "Open - Not Contacted", "2026-04-01 10:00"),
            status("00QA", "Open - Not Contacted", "Sales Qualified", "2026-04-03 16:00"),
        ],
    ), DEFS)
    assert funnel(truth, ANA) == {
        "subscriber": "2026-02-01 10:00", "lead": "2026-02-01 10:00", "mql": "2026-04-03 16:00",
        "sql": "2026-04-03 16:00", "opportunity": None, "customer": None, "evangelist": None}
    assert truth.persons[key(ANA)].sql_reason == "lead_status"


def test_a_deleted_lead_makes_no_person_and_its_history_does_not_qualify():
    # A lead without an email, qualified and then deleted (merged away): nothing of it remains.
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QX", None, "2026-02-01 10:00", deleted=True),
                  sf_lead("00QA", ANA, "2026-03-01 10:00")],
        sf_lead_history=[status("00QX", "Working - Contacted", "Sales Qualified", "2026-02-03 10:00")],
    ), DEFS)
    assert list(truth.persons) == [key(ANA)]
    assert funnel(truth, ANA)["sql"] is None


def test_a_deleted_duplicate_lead_no_longer_dates_the_person():
    # The duplicate was typed in before the lead sales works; it was merged into that lead and deleted.
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QD", ANA.upper(), "2026-01-10 09:00", deleted=True),
                  sf_lead("00QA", ANA, "2026-02-01 10:00", converted_contact="003A", converted_opportunity="006A")],
        sf_contacts=[sf_contact("003A", ANA, "2026-02-05 10:00")],
        sf_opportunities=[opportunity("006A", "2026-02-05 10:00", "Prospecting", "2026-05-01", "1000.00")],
        sf_lead_history=[status("00QD", "Open - Not Contacted", "Sales Qualified", "2026-01-11 09:00")],
    ), DEFS)
    assert funnel(truth, ANA) == {
        "subscriber": "2026-02-01 10:00", "lead": "2026-02-01 10:00", "mql": "2026-02-05 10:00",
        "sql": "2026-02-05 10:00", "opportunity": "2026-02-05 10:00", "customer": None, "evangelist": None}


def test_a_deleted_lead_does_not_put_its_person_on_the_opportunity_it_was_converted_to():
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QX", None, "2026-02-01 10:00", converted_contact="003A", converted_opportunity="006A",
                          deleted=True)],
        sf_contacts=[sf_contact("003A", ANA, "2026-02-05 10:00")],
        sf_opportunities=[opportunity("006A", "2026-02-05 10:00", "Proposal", "2026-05-01", "1000.00")],
        sf_contact_roles=[role("006A", "003A", "2026-02-05 10:00")],
    ), DEFS)
    [opp] = truth.opportunities
    assert opp.person_keys == [key(ANA)] and list(truth.persons) == [key(ANA)]


# ------------------------------------------------------------------------------------------------ opportunities


def test_opportunity_stages_backfill_every_earlier_stage():
    # A contact added by sales straight onto a deal: no marketing history, no lead.
    truth = compute_ground_truth(drop(
        sf_contacts=[sf_contact("003A", ANA, "2026-03-05 09:00")],
        sf_opportunities=[opportunity("006A", "2026-03-01 10:00", "Closed Won", "2026-04-01", "1000.00")],
        sf_opportunity_history=[stage("006A", "Prospecting", "2026-03-01 10:00"),
                                stage("006A", "Closed Won", "2026-04-01 17:30")],
        sf_contact_roles=[role("006A", "003A", "2026-03-05 09:00")],
    ), DEFS)
    assert funnel(truth, ANA) == {
        "subscriber": "2026-03-01 10:00", "lead": "2026-03-01 10:00", "mql": "2026-03-01 10:00",
        "sql": "2026-03-01 10:00", "opportunity": "2026-03-01 10:00", "customer": "2026-04-01 17:30",
        "evangelist": None}
    assert truth.persons[key(ANA)].sql_reason == "opportunity"


def test_closed_at_is_the_first_history_row_in_the_current_closed_stage():
    truth = compute_ground_truth(drop(
        sf_contacts=[sf_contact("003A", ANA, "2026-01-01 09:00")],
        sf_opportunities=[opportunity("006A", "2026-03-01 10:00", "Closed Won", "2026-03-30", "1000.00")],
        sf_opportunity_history=[stage("006A", "Prospecting", "2026-03-01 10:00"),
                                stage("006A", "Closed Won", "2026-03-10 12:00"),
                                stage("006A", "Negotiation", "2026-03-20 09:00"),
                                stage("006A", "Closed Won", "2026-03-30 18:00")],
        sf_contact_roles=[role("006A", "003A", "2026-03-01 10:00")],
    ), DEFS)
    [opp] = truth.opportunities
    assert opp.closed_at == at("2026-03-10 12:00")
    assert funnel(truth, ANA)["customer"] == "2026-03-10 12:00"


def test_closed_at_falls_back_to_the_close_date_without_history():
    truth = compute_ground_truth(drop(
        sf_contacts=[sf_contact("003A", ANA, "2024-01-27 02:30")],
        sf_opportunities=[opportunity("006A", "2024-02-07 02:30", "Closed Won", "2024-04-07", "19500.00")],
        sf_contact_roles=[role("006A", "003A", "2024-02-07 02:30")],
    ), DEFS)
    [opp] = truth.opportunities
    assert opp.closed_at == at("2024-04-07 00:00")
    assert opp.is_won and opp.is_closed


def test_open_opportunities_have_no_close_and_lost_ones_make_no_customer():
    truth = compute_ground_truth(drop(
        sf_contacts=[sf_contact("003A", ANA, "2026-01-01 09:00")],
        sf_opportunities=[opportunity("006A", "2026-03-01 10:00", "Negotiation", "2026-12-15", "1000.00"),
                          opportunity("006B", "2026-02-01 10:00", "Closed Lost", "2026-02-20", "500.00")],
        sf_opportunity_history=[stage("006B", "Prospecting", "2026-02-01 10:00"),
                                stage("006B", "Closed Lost", "2026-02-20 11:00")],
        sf_contact_roles=[role("006A", "003A", "2026-03-01 10:00"), role("006B", "003A", "2026-02-01 10:00")],
    ), DEFS)
    by_id = {o.opportunity_id: o for o in truth.opportunities}
    assert by_id["006A"].closed_at is None and not by_id["006A"].is_closed
    assert by_id["006B"].closed_at == at("2026-02-20 11:00") and not by_id["006B"].is_won
    assert funnel(truth, ANA)["opportunity"] == "2026-02-01 10:00"
    assert funnel(truth, ANA)["customer"] is None


def test_deleted_opportunities_are_ignored_even_when_the_lead_points_at_them():
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QA", ANA, "2026-02-01 10:00", converted_contact="003A", converted_opportunity="006A")],
        sf_contacts=[sf_contact("003A", ANA, "2026-02-05 10:00")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Sales Qualified", "2026-02-05 10:00")],
        sf_opportunities=[opportunity("006A", "2026-02-05 10:00", "Prospecting", "2026-05-01", "1000.00",
                                      deleted=True)],
        sf_contact_roles=[role("006A", "003A", "2026-02-05 10:00", deleted=True)],
    ), DEFS)
    assert truth.opportunities == []
    assert funnel(truth, ANA)["sql"] == "2026-02-05 10:00"
    assert funnel(truth, ANA)["opportunity"] is None


def test_a_converted_lead_and_every_contact_role_put_people_on_the_opportunity():
    truth = compute_ground_truth(drop(
        sf_leads=[sf_lead("00QA", ANA, "2026-02-01 10:00", converted_contact="003A", converted_opportunity="006A")],
        sf_contacts=[sf_contact("003A", None, "2026-02-05 10:00"), sf_contact("003B", "cfo@acme.es", "2026-02-09 10:00")],
        sf_opportunities=[opportunity("006A", "2026-02-05 10:00", "Proposal", "2026-05-01", "1000.00")],
        sf_contact_roles=[role("006A", "003B", "2026-02-09 10:00", primary=False),
                          role("006A", "003A", "2026-02-05 10:00")],
    ), DEFS)
    [opp] = truth.opportunities
    contact_without_email = person_key(None, "salesforce_contact", "003A")
    assert opp.primary_person_key == contact_without_email
    assert set(opp.person_keys) == {key(ANA), key("cfo@acme.es"), contact_without_email}
    assert funnel(truth, "cfo@acme.es")["opportunity"] == "2026-02-05 10:00"


def test_hubspot_deals_use_associated_contacts_and_closedate():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00"), hs_contact("102", "cfo@acme.es", "2026-01-06 09:00")],
        hs_deals=[hs_deal("9001", ("101", "102"), "2026-02-01 10:00", "2026-03-15 16:20", won=True)],
    ), DEFS)
    [deal] = truth.opportunities
    assert deal.closed_at == at("2026-03-15 16:20")
    assert deal.primary_person_key == key(ANA)
    assert funnel(truth, "cfo@acme.es")["customer"] == "2026-03-15 16:20"
    assert funnel(truth, "cfo@acme.es")["sql"] == "2026-02-01 10:00"


# ------------------------------------------------------------------------------------------------ money


def test_amounts_convert_at_the_rate_in_force_on_the_close_date_rounding_half_up():
    rates = [rate("EUR", "1.000000", "2026-02-01", "2026-03-01"), rate("EUR", "1.000000", "2026-03-01", None),
             rate("USD", "1.084317", "2026-02-01", "2026-03-01"), rate("USD", "2.000000", "2026-03-01", None)]
    truth = compute_ground_truth(drop(
        sf_conversion_rates=rates,
        sf_opportunities=[
            opportunity("006A", "2026-01-10 10:00", "Closed Won", "2026-02-28", "1000.00", "USD"),
            opportunity("006B", "2026-01-10 10:00", "Closed Won", "2026-03-01", "10.01", "USD"),
            opportunity("006C", "2026-01-10 10:00", "Closed Won", "2026-03-01", "123.45", "EUR"),
            opportunity("006D", "2026-01-10 10:00", "Closed Lost", "2026-03-01", "99.99", "USD"),
        ],
    ), DEFS)
    by_id = {o.opportunity_id: o.amount_reporting for o in truth.opportunities}
    assert by_id == {"006A": Decimal("922.24"),   # 1000 / 1.084317 = 922.2397...
                     "006B": Decimal("5.01"),     # 10.01 / 2 = 5.005 -> half up
                     "006C": Decimal("123.45"),
                     "006D": Decimal("50.00")}    # 99.99 / 2 = 49.995 -> half up
    assert truth.won_revenue_reporting() == Decimal("1050.70")
    assert truth.won_revenue_by_currency() == {"EUR": Decimal("123.45"), "USD": Decimal("1010.01")}


# ------------------------------------------------------------------------------------------------ evangelist


def test_evangelist_needs_an_advocacy_form_at_or_after_becoming_customer():
    cfo = "cfo@acme.es"
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00"), hs_contact("102", cfo, "2026-01-05 09:00")],
        hs_deals=[hs_deal("9001", ("101", "102"), "2026-02-01 10:00", "2026-04-01 10:00", won=True)],
        hs_form_submissions=[
            form("101", ANA, "Customer referral", "2026-03-15 10:00"),         # before: not yet a customer
            form("101", ANA, "Case study participation", "2026-05-01 12:00"),
            form("102", cfo, "Customer referral", "2026-04-01 10:00"),         # the very minute of the close
        ],
    ), DEFS)
    assert funnel(truth, ANA)["evangelist"] == "2026-05-01 12:00"
    assert funnel(truth, cfo)["evangelist"] == "2026-04-01 10:00"
    # The early referral is still a conversion, but the deal (and so the backfilled lead) came first.
    assert funnel(truth, ANA)["lead"] == "2026-02-01 10:00"


def test_an_advocacy_form_without_a_won_deal_makes_no_evangelist():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, "Customer referral", "2026-03-15 10:00")],
    ), DEFS)
    assert funnel(truth, ANA)["evangelist"] is None
    assert funnel(truth, ANA)["lead"] == "2026-03-15 10:00"


def test_marketo_fill_out_form_is_classified_by_form_name_for_evangelists_too():
    truth = compute_ground_truth(drop(
        mk_leads=[mk_lead("7", ANA, "2026-01-05 09:00")],
        sf_contacts=[sf_contact("003A", ANA, "2026-02-05 10:00")],
        sf_opportunities=[opportunity("006A", "2026-02-05 10:00", "Closed Won", "2026-03-01", "100.00")],
        sf_opportunity_history=[stage("006A", "Closed Won", "2026-03-01 09:00")],
        sf_contact_roles=[role("006A", "003A", "2026-02-05 10:00")],
        mk_activities=[mk_activity("7", 2, "2026-03-02 09:00", "Case study participation")],
    ), DEFS)
    assert funnel(truth, ANA)["evangelist"] == "2026-03-02 09:00"


# ------------------------------------------------------------------------------------------------ definitions


def test_the_version_in_force_is_the_latest_effective_on_or_before_the_date():
    document = definitions_document()
    newer = dict(document["versions"][0], version="2026.1", effective_from="2026-06-01")
    newer["mql"] = dict(newer["mql"], score_threshold=50)
    future = dict(document["versions"][0], version="2027.1", effective_from="2027-01-01")
    document["versions"] += [newer, future]
    assert definitions_from_document(document, date(2026, 11, 1), CHANNELS).version == "2026.1"
    assert definitions_from_document(document, date(2026, 11, 1), CHANNELS).score_threshold == 50
    assert definitions_from_document(document, date(2026, 5, 31), CHANNELS).version == "2025.1"


def test_the_repository_definitions_file_loads():
    definitions = load_definitions(date(2026, 11, 1), **PRODUCT_FILES)
    assert definitions.stages == STAGES
    assert "gmail.com" in definitions.excluded_domains


# ------------------------------------------------------------------------------------------------ properties

instants = st.none() | st.integers(min_value=0, max_value=50).map(lambda m: at("2026-01-01 00:00") + timedelta(days=m))


@given(st.fixed_dictionaries({stage_name: instants for stage_name in STAGES}))
def test_backfill_is_monotonic_and_never_later_than_the_own_time(own):
    stages = backfill(own, STAGES)
    present = [stages[s] for s in STAGES if stages[s] is not None]
    assert present == sorted(present)
    for i, stage_name in enumerate(STAGES):
        if own[stage_name] is not None:
            assert stages[stage_name] <= own[stage_name]
        later = [own[s] for s in STAGES[i:] if own[s] is not None]
        assert stages[stage_name] == (min(later) if later else None)


@given(st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["email_click", "email_open", "form_submission",
                                                               "content_download", "webinar_registration"])),
                max_size=12))
def test_mql_time_is_the_first_instant_whose_cumulative_score_reaches_the_threshold(events):
    submissions, email_events = [], []
    names = {"form_submission": "Guide", "content_download": "Ebook", "webinar_registration": "Webinar"}
    for minute, kind in events:
        when = (at("2026-01-01 00:00") + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M")
        if kind in names:
            submissions.append(form("101", ANA, names[kind], when))
        else:
            email_events.append(email_event(ANA, {"email_click": "CLICK", "email_open": "OPEN"}[kind], when))
    truth = compute_ground_truth(drop(hs_contacts=[hs_contact("101", ANA, "2026-01-01 00:00")],
                                      hs_form_submissions=submissions, hs_email_events=email_events), DEFS)
    weights = DEFS.engagement_weights
    expected = None
    for minute in sorted({m for m, _ in events}):
        if sum(weights[k] for m, k in events if m <= minute) >= DEFS.score_threshold:
            expected = at("2026-01-01 00:00") + timedelta(minutes=minute)
            break
    assert truth.persons[key(ANA)].own["mql"] == expected


# ------------------------------------------------------------------------------------------------ cohorts


def test_a_persons_region_comes_from_the_first_record_with_a_country_in_crm_precedence():
    truth = compute_ground_truth(drop(
        # ana: the Salesforce contact (Germany) outranks the lead (Mexico) and the HubSpot contact.
        sf_contacts=[dataclasses.replace(sf_contact("003A", ANA, "2026-01-05 09:00"), mailing_country="Germany")],
        sf_leads=[dataclasses.replace(sf_lead("00QA", ANA, "2026-01-03 12:00"), country="Mexico")],
        hs_contacts=[dataclasses.replace(hs_contact("101", ANA, "2026-01-02 09:00"), country="United States"),
                     # bo: only a HubSpot contact without a country, and a Marketo lead in the US
                     hs_contact("102", "bo@acme.com", "2026-01-02 09:00")],
        mk_leads=[dataclasses.replace(mk_lead("7", "bo@acme.com", "2026-01-04 08:00"), country="United States"),
                  mk_lead("8", "cy@acme.com", "2026-01-04 08:00")],
    ), DEFS)
    assert truth.regions == {key(ANA): "Europe", key("bo@acme.com"): "North America", key("cy@acme.com"): None}


def test_cohorts_are_reporting_time_zone_months_of_the_earlier_stage():
    # Madrid is UTC+1 in winter: 2026-01-31 23:30 UTC is 1 February there, 22:59 UTC is still 31 January.
    people = [("ana@acme.es", "2026-01-31 23:30", "2026-02-03 23:30"),   # February MQL, SQL after 3 days
              ("bea@acme.es", None, "2026-02-05 12:00"),                 # skips MQL: qualifies by SQL, 0 days
              ("cy@acme.es", "2026-02-20 10:00", None),                  # February MQL, not converted
              ("dan@acme.es", "2026-01-31 22:59", None)]                 # January MQL
    leads, forms, history = [], [], []
    for number, (email, demo_at, sql_at) in enumerate(people):
        lead_id = f"00Q{number}"
        leads.append(dataclasses.replace(sf_lead(lead_id, email, "2026-01-02 08:00"), country="Germany"))
        if demo_at:
            forms.append(form(f"10{number}", email, "Demo request", demo_at))
        if sql_at:
            history.append(status(lead_id, "Working - Contacted", "Sales Qualified", sql_at))
    truth = compute_ground_truth(drop(sf_leads=leads, hs_form_submissions=forms, sf_lead_history=history), DEFS)
    rows = {(r["cohort_month"], r["dimension_name"]): r for r in cohort_conversion(truth) if r["from_stage"] == "mql"}
    assert set(rows) == {("2026-01-01", "all"), ("2026-01-01", "region"), ("2026-02-01", "all"),
                         ("2026-02-01", "region")}
    february = rows[("2026-02-01", "all")]
    assert (february["to_stage"], february["entered_from"], february["converted"]) == ("sql", 3, 2)
    assert february["median_days_to_convert"] == 1.5                 # median of 3 and 0 days
    assert rows[("2026-02-01", "region")]["dimension_value"] == "Europe"
    assert (rows[("2026-01-01", "all")]["entered_from"], rows[("2026-01-01", "all")]["converted"]) == (1, 0)
    assert rows[("2026-01-01", "all")]["median_days_to_convert"] is None
    # every lead entered in January (lead record created 2 January), and all 4 became MQLs (bea by backfill)
    lead_cohort = next(r for r in cohort_conversion(truth) if r["from_stage"] == "lead" and r["dimension_name"] == "all")
    assert (lead_cohort["cohort_month"], lead_cohort["entered_from"], lead_cohort["converted"]) == ("2026-01-01", 4, 4)


# ------------------------------------------------------------------------------------------------ lifecycle events


def events_of(truth, email: str) -> list[tuple]:
    return sorted((e.stage, e.event_type, e.entry_number, e.occurred_at.strftime("%Y-%m-%d %H:%M"), e.is_backfilled)
                  for e in truth.persons[key(email)].stage_events)


def test_a_recycle_after_the_mql_opens_a_cycle_and_the_score_starts_again():
    # MQL by a demo on 1 Feb; recycled on 10 Feb (and again on 1 Apr); the score restarts after each
    # recycle: two ebooks (15 + 15) are not enough, a third (45) re-qualifies on 12 Mar. The ebook at
    # the second recycle's instant belongs to the first cycle, so the second one only re-qualifies with the
    # demo on 3 May. A disqualification on 20 Apr is an event but no recycle.
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[
            form("101", ANA, "Demo request", "2026-02-01 10:00"),
            form("101", ANA, "Ebook download: A", "2026-03-01 10:00"),
            form("101", ANA, "Ebook download: B", "2026-03-05 10:00"),
            form("101", ANA, "Ebook download: C", "2026-03-12 10:00"),
            form("101", ANA, "Ebook download: D", "2026-04-01 10:00"),
            form("101", ANA, "Ebook download: E", "2026-04-05 10:00"),
            form("101", ANA, "Demo request", "2026-05-03 10:00"),
        ],
        sf_leads=[sf_lead("00QA", ANA, "2026-02-01 10:10")],
        sf_lead_history=[status("00QA", "Open - Not Contacted", "Working - Contacted", "2026-02-02 09:00"),
                         status("00QA", "Working - Contacted", "Recycled", "2026-02-10 09:00"),
                         status("00QA", "Recycled", "Open - Not Contacted", "2026-03-12 10:05"),
                         status("00QA", "Open - Not Contacted", "Recycled", "2026-04-01 10:00"),
                         status("00QA", "Recycled", "Disqualified", "2026-04-20 10:00")],
    ), DEFS)
    assert events_of(truth, ANA) == [
        ("lead", "entry", 1, "2026-02-01 10:00", False),
        ("mql", "disqualification", 1, "2026-04-20 10:00", False),
        ("mql", "entry", 1, "2026-02-01 10:00", False),
        ("mql", "entry", 2, "2026-03-12 10:00", False),
        ("mql", "entry", 3, "2026-05-03 10:00", False),
        ("mql", "recycle", 1, "2026-02-10 09:00", False),
        ("mql", "recycle", 2, "2026-04-01 10:00", False),
        ("subscriber", "entry", 1, "2026-01-05 09:00", False),
    ]


def test_a_recycle_before_the_mql_opens_no_cycle_and_excluded_people_never_reenter():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00"), hs_contact("102", "ana@gmail.com", "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, "Demo request", "2026-02-01 10:00"),
                             form("102", "ana@gmail.com", "Demo request", "2026-03-01 10:00")],
        sf_leads=[sf_lead("00QA", ANA, "2026-01-06 10:00"), sf_lead("00QB", "ana@gmail.com", "2026-01-06 10:00")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Recycled", "2026-01-20 09:00"),
                         status("00QB", "Working - Contacted", "Sales Qualified", "2026-01-20 09:00"),
                         status("00QB", "Sales Qualified", "Recycled", "2026-02-20 09:00")],
    ), DEFS)
    assert [e for e in events_of(truth, ANA) if e[1] != "entry" or e[0] == "mql"] == [
        ("lead", "recycle", 1, "2026-01-20 09:00", False), ("mql", "entry", 1, "2026-02-01 10:00", False)]
    gmail = events_of(truth, "ana@gmail.com")
    assert ("mql", "entry", 1, "2026-01-20 09:00", True) in gmail            # backfilled from the SQL
    assert ("sql", "recycle", 1, "2026-02-20 09:00", False) in gmail
    assert not [e for e in gmail if e[1] == "entry" and e[2] > 1]


def test_explanations_name_the_rule_the_score_and_the_version_in_force():
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, "Ebook download: A", "2026-01-06 10:00"),
                             form("101", ANA, "Demo request", "2026-01-07 10:00")],
        sf_leads=[sf_lead("00QA", ANA, "2026-01-07 10:10", converted_contact="003A", converted_opportunity="006A")],
        sf_contacts=[sf_contact("003A", ANA, "2026-01-08 09:00")],
        sf_opportunities=[opportunity("006A", "2026-01-08 09:00", "Prospecting", "2026-03-01", "1000.00")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Sales Qualified", "2026-01-09 09:00")],
    ), DEFS)
    assert truth.persons[key(ANA)].explanation == {
        "mql_rule": "hand_raiser", "mql_score": 55, "mql_definition_version": "2025.1",
        "sql_rule": "opportunity_created", "sql_definition_version": "2025.1"}


def test_reported_dates_come_from_hubspot_became_dates_and_salesforce_qualification():
    contact = hs_contact("101", ANA, "2026-01-05 09:00")
    contact.stage_dates = {"lead": at("2026-01-05 09:00"), "marketingqualifiedlead": at("2026-01-06 23:30")}
    truth = compute_ground_truth(drop(
        hs_contacts=[contact],
        hs_form_submissions=[form("101", ANA, "Demo request", "2026-01-06 22:30")],
        sf_leads=[sf_lead("00QA", ANA, "2026-01-07 10:10")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Sales Qualified", "2026-01-09 09:00")],
    ), DEFS)
    person = truth.persons[key(ANA)]
    assert {s: t.strftime("%m-%d %H:%M") for s, t in person.reported.items()} == {
        "lead": "01-05 09:00", "mql": "01-06 23:30", "sql": "01-09 09:00"}
    reasons = {(r["stage_name"], r["reconciliation_reason"]): r["people"]
               for r in truth.definition_reconciliation() if r["people"]}
    # 22:30 and 23:30 UTC are 23:30 on 6 Jan and 00:30 on 7 Jan in Madrid: a different day.
    assert reasons == {("subscriber", "defined_only"): 1, ("lead", "different_day"): 1,
                       ("mql", "different_day"): 1, ("sql", "agree"): 1}


def _lead_status_change(lead_id: str, when: str, old: str, new: str, field: str = "Lead Status"):
    return dataclasses.replace(mk_activity(lead_id, 13, when, field),
                               attributes={"New Value": new, "Old Value": old, "Reason": "Updated from Salesforce",
                                           "Source": "sfdc"})


def test_marketo_reports_its_first_lead_status_change_to_a_qualifying_status():
    # Marketo's own SQL date: 8 Jan, the first of its two qualifying Lead Status changes; the move to
    # Working and a qualifying value written to another field do not count. Salesforce's own date
    # (9 Jan) stays its own; the reported SQL date is the earlier of the two.
    truth = compute_ground_truth(drop(
        mk_leads=[mk_lead("7", ANA, "2026-01-05 09:00")],
        mk_activities=[
            _lead_status_change("7", "2026-01-06 10:00", "Open - Not Contacted", "Working - Contacted"),
            _lead_status_change("7", "2026-01-07 10:00", "", "Sales Qualified", field="Job Title"),
            _lead_status_change("7", "2026-01-10 10:00", "Recycled", "Sales Qualified"),
            _lead_status_change("7", "2026-01-08 10:00", "Working - Contacted", "Sales Qualified"),
        ],
        sf_leads=[sf_lead("00QA", ANA, "2026-01-05 08:00")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Sales Qualified", "2026-01-09 09:00")],
    ), DEFS)
    person = truth.persons[key(ANA)]
    assert {k: t.strftime("%m-%d %H:%M") for k, t in person.reported_by_system.items()} == {
        ("sql", "marketo"): "01-08 10:00", ("sql", "salesforce"): "01-09 09:00"}
    assert person.reported["sql"].strftime("%m-%d %H:%M") == "01-08 10:00"
    assert funnel(truth, ANA)["sql"] == "2026-01-09 09:00"      # the governed SQL reads Salesforce only


# ------------------------------------------------------------------------------------------------ decay, fit, source score, students


def _with(**mql):
    return definitions_from_document(definitions_document(**mql), date(2026, 11, 1), CHANNELS)


def test_a_decayed_score_reaching_the_threshold_exactly_makes_an_mql_at_that_instant():
    # Half-life 10 days. Two ebooks (30) on 1 Jan weigh 15 ten days later; a webinar (10) and an ebook
    # (15) then give exactly 40, the threshold. Luis does the same one minute later: 39.9993, no MQL.
    defs = _with(score_decay={"half_life_days": 10})
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-01 09:00"), hs_contact("102", "luis@acme.es", "2026-01-01 09:00")],
        hs_form_submissions=[
            # Ana: 2 ebooks (30) on 1 Jan -> 15 on 11 Jan, + webinar (10) + ebook (15) = 40 == threshold.
            form("101", ANA, "Ebook download: A", "2026-01-01 09:00"),
            form("101", ANA, "Ebook download: B", "2026-01-01 09:00"),
            form("101", ANA, "Webinar registration: X", "2026-01-11 09:00"),
            form("101", ANA, "Ebook download: C", "2026-01-11 09:00"),
            # Luis: the same, one minute later on 11 Jan: the 1 Jan ebooks have decayed a bit more.
            form("102", "luis@acme.es", "Ebook download: A", "2026-01-01 09:00"),
            form("102", "luis@acme.es", "Ebook download: B", "2026-01-01 09:00"),
            form("102", "luis@acme.es", "Webinar registration: X", "2026-01-11 09:01"),
            form("102", "luis@acme.es", "Ebook download: C", "2026-01-11 09:01"),
        ],
    ), defs)
    assert funnel(truth, ANA)["mql"] == "2026-01-11 09:00"
    assert truth.persons[key(ANA)].score_at_mql == 40
    assert truth.persons[key(ANA)].explanation["mql_score"] == 40
    assert funnel(truth, "luis@acme.es")["mql"] is None
    # Without decay Luis qualifies on the webinar alone (30 + 10 = 40).
    undecayed = compute_ground_truth(drop(
        hs_contacts=[hs_contact("102", "luis@acme.es", "2026-01-01 09:00")],
        hs_form_submissions=[form("102", "luis@acme.es", "Ebook download: A", "2026-01-01 09:00"),
                             form("102", "luis@acme.es", "Ebook download: B", "2026-01-01 09:00"),
                             form("102", "luis@acme.es", "Webinar registration: X", "2026-01-11 09:01")]), DEFS)
    assert funnel(undecayed, "luis@acme.es")["mql"] == "2026-01-11 09:01"


def test_the_decayed_score_at_the_mql_is_the_explanation_score():
    # Half-life 1 day: ebook (15) at day 0, demo (40) at day 2 -> 15 * 0.25 + 40 = 43.75.
    defs = _with(score_decay={"half_life_days": 1})
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-01 09:00")],
        hs_form_submissions=[form("101", ANA, "Ebook download: A", "2026-01-01 09:00"),
                             form("101", ANA, "Demo request", "2026-01-03 09:00")],
    ), defs)
    person = truth.persons[key(ANA)]
    assert (person.mql_reason, person.explanation["mql_rule"], person.explanation["mql_score"]) == (
        "hand_raiser", "hand_raiser", 43.75)


def test_a_person_outside_the_fit_regions_is_no_mql_by_score_but_a_hand_raiser_still_is():
    defs = _with(fit={"regions": ["North America"]})
    ebooks = [("Ebook download: A", "2026-01-06 10:00"), ("Ebook download: B", "2026-01-07 10:00"),
              ("Webinar registration: X", "2026-01-08 10:00")]              # 40
    us = dataclasses.replace(hs_contact("103", "joe@acme.com", "2026-01-05 09:00"), country="United States")
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00"),                        # no country: no region
                     dataclasses.replace(hs_contact("102", "luis@acme.es", "2026-01-05 09:00"), country="Spain"), us],
        hs_form_submissions=[form(c, e, n, w) for c, e in (("101", ANA), ("102", "luis@acme.es"),
                                                           ("103", "joe@acme.com")) for n, w in ebooks]
        + [form("102", "luis@acme.es", "Demo request", "2026-01-09 10:00")],
    ), defs)
    assert funnel(truth, ANA)["mql"] is None
    assert funnel(truth, "luis@acme.es")["mql"] == "2026-01-09 10:00"                  # Europe: hand-raiser only
    assert truth.persons[key("luis@acme.es")].mql_reason == "hand_raiser"
    assert funnel(truth, "joe@acme.com")["mql"] == "2026-01-08 10:00"
    assert funnel(compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, n, w) for n, w in ebooks]), DEFS), ANA)["mql"] == "2026-01-08 10:00"


def _score_change(lead_id: str, when: str, new_value: int):
    return dataclasses.replace(mk_activity(lead_id, 22, when, "Lead Score"), attributes={"New Value": new_value})


def test_the_source_score_reaching_its_threshold_qualifies_when_the_rule_is_on():
    activities = [_score_change("7", "2026-01-06 10:00", 59), _score_change("7", "2026-01-07 10:00", 60),
                  mk_activity("7", 2, "2026-01-08 10:00", "Demo request")]
    records = dict(mk_leads=[mk_lead("7", ANA, "2026-01-05 09:00")], mk_activities=activities)
    on = compute_ground_truth(drop(**records), _with(source_score_threshold=60))
    assert funnel(on, ANA)["mql"] == "2026-01-07 10:00"                                 # 60 >= 60
    assert on.persons[key(ANA)].explanation["mql_rule"] == "source_score"
    assert on.persons[key(ANA)].explanation["mql_score"] == 0
    off = compute_ground_truth(drop(**records), DEFS)
    assert funnel(off, ANA)["mql"] == "2026-01-08 10:00"
    unfit = compute_ground_truth(drop(**records), _with(source_score_threshold=60, fit={"regions": ["Nowhere"]}))
    assert funnel(unfit, ANA)["mql"] == "2026-01-08 10:00"


@pytest.mark.parametrize("email, excluded", [
    ("ana@cs.stanford.EDU", True), ("ana@unam.edu.mx", True), ("ana@ox.ac.uk", True),
    ("ana@education.com", False), ("ana@acme.es", False)])
def test_student_email_domains_are_excluded_by_like_pattern(email, excluded):
    defs = _with(exclusions={"personal_email_domains": ["gmail.com"],
                             "student_email_domain_patterns": ["%.edu", "%.edu.__", "%.ac.__"]})
    normalised = email.lower()
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", email, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", email, "Demo request", "2026-01-06 10:00")],
    ), defs)
    assert truth.persons[key(normalised)].excluded is excluded
    assert (funnel(truth, normalised)["mql"] is None) is excluded


def test_a_recycled_person_reenters_on_the_decayed_score_since_the_recycle():
    # Half-life 10 days. MQL by demo on 1 Feb, recycled 2 Feb. Two ebooks (30) on 3 Feb decay to 15 by
    # 13 Feb; a webinar (10) and an ebook (15) together then give 40: re-entry on 13 Feb. Before the
    # recycle, the demo's 40 does not count.
    defs = _with(score_decay={"half_life_days": 10})
    truth = compute_ground_truth(drop(
        hs_contacts=[hs_contact("101", ANA, "2026-01-05 09:00")],
        hs_form_submissions=[form("101", ANA, "Demo request", "2026-02-01 10:00"),
                             form("101", ANA, "Ebook download: A", "2026-02-03 10:00"),
                             form("101", ANA, "Ebook download: B", "2026-02-03 10:00"),
                             form("101", ANA, "Webinar registration: X", "2026-02-13 10:00"),
                             form("101", ANA, "Ebook download: C", "2026-02-13 10:00")],
        sf_leads=[sf_lead("00QA", ANA, "2026-02-01 10:10")],
        sf_lead_history=[status("00QA", "Working - Contacted", "Recycled", "2026-02-02 09:00")],
    ), defs)
    entries = [e for e in events_of(truth, ANA) if e[0] == "mql" and e[1] == "entry"]
    assert entries == [("mql", "entry", 1, "2026-02-01 10:00", False), ("mql", "entry", 2, "2026-02-13 10:00", False)]
