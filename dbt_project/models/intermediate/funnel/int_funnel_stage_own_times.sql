{#
    Each person's own entry time per funnel stage, before backfill (definitions/README.md, Stage
    entry; the table there is the spec for each column).
#}

with

persons as (

    select * from {{ ref('int_persons_unified') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

form_submissions as (

    select * from {{ ref('int_form_submissions_unified') }}

),

mql_entries as (

    select * from {{ ref('int_funnel_mql_entries') }}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history_entries') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

opportunity_person_links as (

    select * from {{ ref('int_opportunity_person_links') }}

),

lead_candidates as (

    select
        person_key,
        occurred_at as candidate_at
    from engagement_events
    where {{ smarketing.sql_in('event_type', smarketing.definition_setting('lead.conversion_event_types')) }}

    union all

    select
        person_key,
        record_created_at as candidate_at
    from identity_links
    where source_system = 'salesforce'
        and source_object = 'lead'
        and not is_merged_record
        and {{ smarketing.sql_boolean(smarketing.definition_setting('lead.crm_lead_record_counts')) }}

),

lead_entries as (

    select
        person_key,
        min(candidate_at) as lead_own_at
    from lead_candidates
    group by person_key

),

person_opportunities as (

    select distinct
        links.person_key,
        opportunities.source_system,
        opportunities.opportunity_id,
        opportunities.created_at,
        opportunities.closed_at,
        opportunities.is_won
    from opportunity_person_links as links
    inner join opportunities
        on opportunities.source_system = links.source_system
        and opportunities.opportunity_id = links.opportunity_id

),

opportunity_entries as (

    select
        person_key,
        min(created_at) as opportunity_own_at
    from person_opportunities
    group by person_key

),

customer_entries as (

    select
        person_key,
        min(closed_at) as customer_own_at
    from person_opportunities
    where is_won
    group by person_key

),

sql_candidates as (

    select
        leads.person_key,
        history.created_at as candidate_at,
        'qualifying_lead_status' as candidate_rule
    from lead_history as history
    inner join identity_links as leads
        on leads.source_system = 'salesforce'
        and leads.source_object = 'lead'
        and leads.source_record_id = history.lead_id
    where history.is_status_change
        and {{ smarketing.sql_in('history.new_value', smarketing.definition_setting('sql.qualifying_lead_statuses')) }}

    union all

    select
        person_key,
        opportunity_own_at as candidate_at,
        'opportunity_created' as candidate_rule
    from opportunity_entries
    where {{ smarketing.sql_boolean(smarketing.definition_setting('sql.opportunity_created_qualifies')) }}

),

sql_entries as (

    select
        person_key,
        min(candidate_at) as sql_own_at,
        min(case when candidate_rule = 'qualifying_lead_status' then candidate_at end) as qualifying_status_at
    from sql_candidates
    group by person_key

),

evangelist_entries as (

    select
        form_submissions.person_key,
        min(form_submissions.submitted_at) as evangelist_own_at
    from form_submissions
    inner join customer_entries
        on customer_entries.person_key = form_submissions.person_key
    where {{ smarketing.sql_in('form_submissions.form_name', smarketing.definition_setting('evangelist.advocacy_form_names')) }}
        and form_submissions.submitted_at >= customer_entries.customer_own_at
    group by form_submissions.person_key

),

final as (

    select
        persons.person_key,
        persons.first_record_created_at as subscriber_own_at,
        lead_entries.lead_own_at,
        mql_entries.mql_own_at,
        sql_entries.sql_own_at,
        case
            when sql_entries.sql_own_at is null then null
            when sql_entries.qualifying_status_at = sql_entries.sql_own_at then 'qualifying_lead_status'
            else 'opportunity_created'
        end as sql_trigger,
        opportunity_entries.opportunity_own_at,
        customer_entries.customer_own_at,
        evangelist_entries.evangelist_own_at
    from persons
    left join lead_entries
        on lead_entries.person_key = persons.person_key
    left join mql_entries
        on mql_entries.person_key = persons.person_key
    left join sql_entries
        on sql_entries.person_key = persons.person_key
    left join opportunity_entries
        on opportunity_entries.person_key = persons.person_key
    left join customer_entries
        on customer_entries.person_key = persons.person_key
    left join evangelist_entries
        on evangelist_entries.person_key = persons.person_key

)

select * from final
