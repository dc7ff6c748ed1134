"""Invariants of the simulated records that real CRMs guarantee and the warehouse may rely on."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import datetime

import pytest

from demo_company.clock import AS_OF
from demo_company.ids import SALESFORCE_PREFIXES, salesforce_checksum
from demo_company.profiles import PROFILES
from demo_company.simulate import simulate

FUTURE_ALLOWED = {("sf_events", "start"), ("sf_events", "end"), ("hs_deals", "close_at")}
CONFIGURATION = {"sf_users", "sf_campaigns", "mk_programs"}


@pytest.fixture(scope="module", params=list(PROFILES))
def drop(request):
    return simulate(800, 11, request.param).drop


def record_lists(drop):
    for f in dataclasses.fields(drop):
        value = getattr(drop, f.name)
        if isinstance(value, list):
            yield f.name, value


def test_times_are_whole_utc_minutes_before_the_as_of_date(drop):
    for name, records in record_lists(drop):
        for record in records:
            for f in dataclasses.fields(record):
                value = getattr(record, f.name)
                if not isinstance(value, datetime):
                    continue
                assert value.utcoffset().total_seconds() == 0 and value.second == 0 and value.microsecond == 0
                if name not in CONFIGURATION and (name, f.name) not in FUTURE_ALLOWED:
                    assert value < AS_OF, (name, f.name, value)


def test_salesforce_ids_are_18_characters_with_the_objects_prefix_and_checksum(drop):
    prefixes = set(SALESFORCE_PREFIXES.values())
    ids = [r.id for name, records in record_lists(drop) if name.startswith("sf_") for r in records]
    assert len(ids) == len(set(ids))
    for record_id in ids:
        assert re.fullmatch(r"[0-9A-Za-z]{18}", record_id) and record_id[:3] in prefixes
        assert record_id[15:] == salesforce_checksum(record_id[:15])


def test_salesforce_references_resolve(drop):
    leads = {lead.id: lead for lead in drop.sf_leads}
    contacts = {c.id for c in drop.sf_contacts}
    accounts = {a.id for a in drop.sf_accounts}
    opportunities = {o.id: o for o in drop.sf_opportunities}
    users = {u.id for u in drop.sf_users}
    for lead in drop.sf_leads:
        assert lead.owner_id in users or lead.owner_id.startswith("00G")
        if lead.is_converted:
            assert lead.converted_contact_id in contacts and lead.converted_account_id in accounts
            assert lead.converted_opportunity_id is None or lead.converted_opportunity_id in opportunities
    for contact in drop.sf_contacts:
        assert contact.account_id in accounts
    for role in drop.sf_contact_roles:
        assert role.contact_id in contacts and role.opportunity_id in opportunities
        assert role.is_deleted == opportunities[role.opportunity_id].is_deleted
        assert role.created_at >= opportunities[role.opportunity_id].created_at
    assert set(Counter(r.opportunity_id for r in drop.sf_contact_roles if r.is_primary).values()) <= {1}
    for member in drop.sf_campaign_members:
        assert member.lead_id in leads or member.contact_id in contacts
    for activity in [*drop.sf_tasks, *drop.sf_events]:
        assert activity.who_id in leads or activity.who_id in contacts


def test_lead_status_history_chains_to_the_current_status(drop):
    leads = {lead.id: lead for lead in drop.sf_leads}
    chains: dict[str, list] = {}
    for row in drop.sf_lead_history:
        assert row.created_at >= leads[row.lead_id].created_at
        if row.field == "Status":
            chains.setdefault(row.lead_id, []).append(row)
    for lead_id, rows in chains.items():
        status = "Open - Not Contacted"
        for row in sorted(rows, key=lambda r: r.created_at):
            assert row.old_value == status
            status = row.new_value
        assert status == leads[lead_id].status
    for lead in drop.sf_leads:
        if lead.is_converted:
            assert lead.status == "Sales Qualified"


def test_marketo_lead_status_changes_mirror_the_synced_salesforce_lead_minutes_later(drop):
    if "marketo" not in drop.systems or "salesforce" not in drop.systems:
        pytest.skip("Marketo syncs its Lead Status with Salesforce only when both are in the profile")
    sf_leads = {lead.id: lead for lead in drop.sf_leads}
    sf_changes: dict[str, list] = {}
    for row in drop.sf_lead_history:
        if row.field == "Status":
            sf_changes.setdefault(row.lead_id, []).append(row)
    changes = [a for a in drop.mk_activities if a.type_id == 13]
    sources = Counter(a.attributes["Source"] for a in changes)
    assert sources["sfdc"] and sources["Smart Campaign"], sources
    by_lead: dict[str, list] = {}
    for activity in changes:
        assert activity.primary_attribute_value == "Lead Status"
        assert set(activity.attributes) == {"New Value", "Old Value", "Reason", "Source"}
        by_lead.setdefault(activity.lead_id, []).append(activity)
    for lead in drop.mk_leads:
        own = sorted(by_lead.get(lead.id, []), key=lambda a: a.occurred_at)
        for previous, activity in zip([None, *own], own):
            assert activity.occurred_at >= lead.created_at
            if previous is not None:
                assert activity.attributes["Old Value"] == previous.attributes["New Value"]
            if activity.attributes["Source"] == "sfdc":
                assert any(r.new_value == activity.attributes["New Value"]
                           and 0 < (activity.occurred_at - r.created_at).total_seconds() <= 9 * 60
                           for r in sf_changes[lead.sfdc_lead_id]), activity
            else:
                assert activity.attributes["New Value"] in ("Opportunity", "Customer")
        if own:
            assert own[-1].attributes["New Value"] == lead.lead_status


def test_opportunity_history_starts_at_creation_and_ends_in_the_current_stage(drop):
    history: dict[str, list] = {}
    for row in drop.sf_opportunity_history:
        history.setdefault(row.opportunity_id, []).append(row)
    for opportunity in drop.sf_opportunities:
        rows = sorted(history.get(opportunity.id, []), key=lambda r: r.created_at)
        if not rows:
            assert opportunity.is_closed, "only closed opportunities migrated without history"
            continue
        assert (rows[0].stage_name, rows[0].created_at) == ("Prospecting", opportunity.created_at)
        assert (rows[-1].stage_name, rows[-1].amount) == (opportunity.stage_name, opportunity.amount)
        assert opportunity.is_closed == opportunity.stage_name.startswith("Closed")
        assert opportunity.is_won == (opportunity.stage_name == "Closed Won")
        if opportunity.is_closed:
            assert rows[-1].close_date == opportunity.close_date


def test_hubspot_and_marketo_records_are_consistent(drop):
    contacts = {c.id: c for c in drop.hs_contacts}
    assert len(contacts) == len(drop.hs_contacts)
    emails = Counter(c.email for c in drop.hs_contacts if c.email)
    assert not emails or max(emails.values()) == 1, "HubSpot keeps one contact per email"
    for contact in drop.hs_contacts:
        assert contact.lifecycle_stage in contact.stage_dates
    for submission in drop.hs_form_submissions:
        assert submission.submitted_at >= contacts[submission.contact_id].created_at
    for deal in drop.hs_deals:
        assert all(c in contacts for c in deal.contact_ids)
        assert not deal.is_closed or deal.close_at >= deal.created_at
    leads = {lead.id for lead in drop.mk_leads}
    # A lead merged away is gone from the leads; its activities stay, and the winning lead's Merge Leads
    # activity lists it.
    merged = {str(i): a for a in drop.mk_activities if a.type_id == 32 for i in a.attributes["Merge IDs"]}
    assert all(a.lead_id in leads or a.lead_id in merged for a in drop.mk_activities)
    assert all(m not in leads and a.lead_id in leads for m, a in merged.items())
    assert all(a.occurred_at <= merged[a.lead_id].occurred_at for a in drop.mk_activities if a.lead_id in merged)
    assert len({a.guid for a in drop.mk_activities}) == len(drop.mk_activities)


def test_the_previous_full_exports_hold_older_versions_of_the_same_records(drop):
    taken = drop.previous.taken_at
    assert taken is not None and taken < AS_OF
    for previous, final in ((drop.previous.sf_leads, drop.sf_leads), (drop.previous.hs_contacts, drop.hs_contacts),
                            (drop.previous.hs_companies, drop.hs_companies)):
        by_id = {r.id: r for r in final}
        assert len(by_id) == len(final)
        assert [r.id for r in previous] == [r.id for r in final if r.created_at < taken]
        for old in previous:
            new = by_id[old.id]
            assert old.created_at == new.created_at and old.modified_at < taken
            if new.modified_at < taken:
                assert old == new, "a record nobody touched since the full export is exported the same"
            else:
                assert old.modified_at < new.modified_at


def test_deleted_leads_are_duplicates_merged_after_the_full_export(drop):
    taken = drop.previous.taken_at
    previous = {lead.id: lead for lead in drop.previous.sf_leads}
    live_emails = {lead.email.strip().lower() for lead in drop.sf_leads if lead.email and not lead.is_deleted}
    for lead in (lead for lead in drop.sf_leads if lead.is_deleted):
        assert lead.modified_at >= taken and not previous[lead.id].is_deleted
        assert lead.status == "Open - Not Contacted"
        assert lead.email is None or lead.email.strip().lower() in live_emails, "a duplicate of a live lead"
    merged = [h for h in drop.sf_lead_history if h.field == "leadMerged"]
    assert all(h.created_at >= taken for h in merged)
