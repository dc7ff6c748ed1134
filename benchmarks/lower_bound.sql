-- The floor for a full run: the core of the funnel in plain DuckDB, on a Salesforce + HubSpot drop.
--
-- Five minimal transforms, no lineage, no validation, no quality gates, no history:
--   1. typed reads of the export CSVs (every file a full run reads for these profiles' big objects),
--   2. one person per email (lower-cased, trimmed) across HubSpot contacts, Salesforce leads and contacts,
--   3. the first date of each stage per person,
--   4. won revenue in EUR (Salesforce dated conversion rates),
--   5. first-touch revenue per campaign (a person's first campaign membership gets their won revenue).
--
-- Paths are relative to the drop: run it from the drop folder (`cd DROP && duckdb < lower_bound.sql`)
-- (benchmarks/scale.py runs it with DuckDB's Python client in a process started in the drop folder).

-- 1. Typed reads
create or replace temp table hs_contacts as
select "Record ID"::varchar as contact_id, "Email" as email,
    "Create Date"::timestamp as created_at,
    "Became a Lead Date"::timestamp as lead_at,
    "Became a Marketing Qualified Lead Date"::timestamp as mql_at,
    "Became a Sales Qualified Lead Date"::timestamp as sql_at,
    "Became an Opportunity Date"::timestamp as opportunity_at,
    "Became a Customer Date"::timestamp as customer_at
from read_csv('hubspot/hubspot-crm-exports-all-contacts-*.csv', header = true, all_varchar = true);

create or replace temp table hs_email_events as
select "Event ID" as event_id, "Recipient" as recipient, "Email name" as email_name, "Event type" as event_type,
    strptime("Created", '%Y-%m-%d %H:%M') as occurred_at
from read_csv('hubspot/hubspot-marketing-email-events-*.csv', header = true, all_varchar = true);

create or replace temp table hs_forms as
select "Conversion ID" as conversion_id, "Email" as email, "Form name" as form_name,
    strptime("Conversion Date", '%Y-%m-%d %H:%M') as submitted_at
from read_csv('hubspot/hubspot-form-submissions-*.csv', header = true, all_varchar = true);

create or replace temp table sf_leads as
select "Id" as lead_id, "Email" as email, "Status" as status, "CreatedDate"::timestamp as created_at,
    "ConvertedContactId" as converted_contact_id
from read_csv('salesforce/Lead.csv', header = true, all_varchar = true);

create or replace temp table sf_lead_history as
select "LeadId" as lead_id, "Field" as field, "NewValue" as new_value, "CreatedDate"::timestamp as created_at
from read_csv('salesforce/LeadHistory.csv', header = true, all_varchar = true);

create or replace temp table sf_contacts as
select "Id" as contact_id, "Email" as email, "CreatedDate"::timestamp as created_at
from read_csv('salesforce/Contact.csv', header = true, all_varchar = true);

create or replace temp table sf_opportunities as
select "Id" as opportunity_id, "Amount"::decimal(18, 2) as amount, "CurrencyIsoCode" as currency,
    "CloseDate"::date as close_date, "IsWon"::boolean as is_won, "CreatedDate"::timestamp as created_at
from read_csv('salesforce/Opportunity.csv', header = true, all_varchar = true);

create or replace temp table sf_contact_roles as
select "OpportunityId" as opportunity_id, "ContactId" as contact_id, "IsPrimary"::boolean as is_primary
from read_csv('salesforce/OpportunityContactRole.csv', header = true, all_varchar = true);

create or replace temp table sf_members as
select "CampaignId" as campaign_id, "LeadId" as lead_id, "ContactId" as contact_id,
    "CreatedDate"::timestamp as created_at
from read_csv('salesforce/CampaignMember.csv', header = true, all_varchar = true);

create or replace temp table sf_tasks as
select "Id" as task_id, "WhoId" as who_id, "Subject" as subject, "CreatedDate"::timestamp as created_at
from read_csv('salesforce/Task.csv', header = true, all_varchar = true);

create or replace temp table sf_campaigns as
select "Id" as campaign_id, "Name" as name
from read_csv('salesforce/Campaign.csv', header = true, all_varchar = true);

create or replace temp table sf_rates as
select "IsoCode" as currency, "ConversionRate"::decimal(18, 6) as rate, "StartDate"::date as start_date,
    coalesce("NextStartDate"::date, date '9999-12-31') as next_start_date
from read_csv('salesforce/DatedConversionRate.csv', header = true, all_varchar = true);

-- 2. One person per email
create or replace temp table person_records as
select lower(trim(email)) as person_key, 'hubspot' as system, contact_id as record_id from hs_contacts
where email is not null
union all
select lower(trim(email)), 'sf_lead', lead_id from sf_leads where email is not null
union all
select lower(trim(email)), 'sf_contact', contact_id from sf_contacts where email is not null;

create or replace temp table persons as
select person_key, count(*) as records from person_records group by person_key;

-- 3. First date of each stage
create or replace temp table stage_dates as
with hubspot as (
    select lower(trim(email)) as person_key, min(created_at) as subscriber_at, min(lead_at) as lead_at,
        min(mql_at) as mql_at, min(sql_at) as sql_at, min(opportunity_at) as opportunity_at,
        min(customer_at) as customer_at
    from hs_contacts group by 1
), handed_over as (
    select lower(trim(l.email)) as person_key, min(l.created_at) as mql_at,
        min(h.created_at) filter (h.new_value = 'Sales Qualified') as sql_at
    from sf_leads l left join sf_lead_history h on h.lead_id = l.lead_id and h.field = 'Status'
    group by 1
), deals as (
    select lower(trim(c.email)) as person_key, min(o.created_at) as opportunity_at,
        min(o.close_date) filter (o.is_won) as customer_on
    from sf_opportunities o
    join sf_contact_roles r on r.opportunity_id = o.opportunity_id
    join sf_contacts c on c.contact_id = r.contact_id
    group by 1
)
select p.person_key,
    h.subscriber_at,
    h.lead_at,
    least(h.mql_at, s.mql_at) as mql_at,
    least(h.sql_at, s.sql_at) as sql_at,
    least(h.opportunity_at, d.opportunity_at) as opportunity_at,
    least(h.customer_at, d.customer_on::timestamp) as customer_at
from persons p
left join hubspot h using (person_key)
left join handed_over s using (person_key)
left join deals d using (person_key);

-- 4. Won revenue in EUR
create or replace temp table won_revenue as
select o.opportunity_id, o.close_date, o.amount / coalesce(r.rate, 1) as amount_eur
from sf_opportunities o
left join sf_rates r on r.currency = o.currency and o.close_date >= r.start_date and o.close_date < r.next_start_date
where o.is_won;

-- 5. First-touch revenue per campaign
create or replace temp table first_touch_revenue as
with member_people as (
    select lower(trim(coalesce(c.email, l.email))) as person_key, m.campaign_id, m.created_at
    from sf_members m
    left join sf_contacts c on c.contact_id = m.contact_id
    left join sf_leads l on l.lead_id = m.lead_id
), first_touch as (
    select person_key, arg_min(campaign_id, created_at) as campaign_id from member_people group by person_key
), person_revenue as (
    select lower(trim(c.email)) as person_key, sum(w.amount_eur) as revenue_eur
    from won_revenue w
    join sf_contact_roles r on r.opportunity_id = w.opportunity_id and r.is_primary
    join sf_contacts c on c.contact_id = r.contact_id
    group by 1
)
select f.campaign_id, any_value(k.name) as campaign, count(*) as customers, sum(v.revenue_eur) as revenue_eur
from person_revenue v
join first_touch f using (person_key)
left join sf_campaigns k using (campaign_id)
group by f.campaign_id;

select (select count(*) from persons) as persons,
    (select count(customer_at) from stage_dates) as customers,
    (select sum(amount_eur)::decimal(18, 2) from won_revenue) as won_revenue_eur,
    (select count(*) from first_touch_revenue) as first_touch_campaigns;
