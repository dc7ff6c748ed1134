{#
    The source systems' own lifecycle dates, "as reported" (definitions/README.md, As reported):
    HubSpot's "Became a <stage> date" contact properties, and the first Salesforce LeadHistory move
    to a `sql.qualifying_lead_statuses` status as sales' own SQL date. One row per person, stage
    and system: the earliest date that system reports.
#}

with

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history_entries') }}

),

marketo_status_changes as (

    select * from {{ ref('int_marketo_lead_status_changes') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

person_contacts as (

    select
        links.person_key,
        hubspot_contacts.*
    from hubspot_contacts
    inner join identity_links as links
        on links.source_system = 'hubspot'
        and links.source_object = 'contact'
        and links.source_record_id = hubspot_contacts.contact_id
        and not links.is_merged_record

),

{%- set sql_stage = smarketing.definition_section_stage('sql.qualifying_lead_statuses') %}
{%- set qualifying_statuses = smarketing.definition_setting('sql.qualifying_lead_statuses') %}

reported as (

    {%- for stage in smarketing.definition_stage_names() %}

    select
        person_key,
        {{ smarketing.sql_string(stage) }} as stage_name,
        'hubspot' as source_system,
        hubspot_became_{{ stage }}_at as reported_at
    from person_contacts
    where hubspot_became_{{ stage }}_at is not null

    union all
    {%- endfor %}

    select
        links.person_key,
        {{ smarketing.sql_string(sql_stage) }} as stage_name,
        'salesforce' as source_system,
        history.created_at as reported_at
    from lead_history as history
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and links.source_record_id = history.lead_id
    where history.is_status_change
        and {{ smarketing.sql_in('history.new_value', qualifying_statuses) }}

    union all

    select
        links.person_key,
        {{ smarketing.sql_string(sql_stage) }} as stage_name,
        'marketo' as source_system,
        changes.changed_at as reported_at
    from marketo_status_changes as changes
    inner join identity_links as links
        on links.source_system = 'marketo'
        and links.source_object = 'lead'
        and links.source_record_id = changes.lead_id
    where {{ smarketing.sql_in('changes.new_status', qualifying_statuses) }}

),

final as (

    select
        person_key,
        stage_name,
        source_system,
        min(reported_at) as reported_at
    from reported
    group by person_key, stage_name, source_system

)

select * from final
