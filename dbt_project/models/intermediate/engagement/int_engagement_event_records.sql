{#
    Every source event record that can be an engagement event (definitions/README.md, Engagement
    events), classified, before anyone is identified: HubSpot form submissions and Marketo "Fill
    Out Form" activities by the first matching form-name pattern (a blank form name is matched as
    ''), HubSpot marketing email events by type, other Marketo activities by activity type id. A
    record the definitions do not classify is kept with a null event_type, so that a later version
    of it replaces this row instead of leaving a stale one behind.

    A row depends only on its own record's version in force and on the event classifications, never
    on identity (which person a contact or lead belongs to changes with merges and new records):
    int_engagement_events resolves the person each run. So the model is incremental. A run
    reprocesses the records whose version in force came from a file loaded after the latest file
    the table holds (`_file_order`; every file loaded later has a higher one) and replaces them by
    record key. When the classifications or this model's code differ from those the table was
    built with (`definitions_fingerprint`), every record is reprocessed; `--full-refresh` rebuilds
    the table.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['source_system', 'source_object', 'source_record_id'],
        on_schema_change='fail',
    )
}}

{%- set classifications = ref('int_definition_event_classifications') -%}
{%- set fingerprint_sql -%}
    select {{ dbt.hash(dbt.concat([
        "'" ~ local_md5(model.raw_code) ~ "'",
        "coalesce(" ~ dbt.listagg(
            dbt.concat([
                "rule_kind", "'|'", "coalesce(" ~ dbt.cast('rule_order', dbt.type_string()) ~ ", '')", "'|'",
                "match_value", "'|'", "event_type"]),
            "';'",
            "order by rule_kind, rule_order, match_value") ~ ", '')"])) }}
    from {{ classifications }}
{%- endset -%}
{%- set ns = namespace(fingerprint='', after_file_order=none) -%}
{#- Compiling without a build (dbt docs generate on a new warehouse) finds no classifications. -#}
{%- if execute and load_relation(classifications) is not none -%}
    {%- set ns.fingerprint = run_query(fingerprint_sql).columns[0].values()[0] -%}
    {%- if is_incremental() -%}
        {%- set recorded = run_query(
            "select max(_file_order), min(definitions_fingerprint), max(definitions_fingerprint) from " ~ this) -%}
        {%- set row = recorded.rows[0] -%}
        {%- if row[1] == ns.fingerprint and row[2] == ns.fingerprint and row[0] is not none -%}
            {%- set ns.after_file_order = row[0] | int -%}
        {%- endif -%}
    {%- endif -%}
{%- endif %}

with

hubspot_form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}
    {%- if ns.after_file_order is not none %}
    where _file_order > {{ ns.after_file_order }}
    {%- endif %}

),

hubspot_email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}
    {%- if ns.after_file_order is not none %}
    where _file_order > {{ ns.after_file_order }}
    {%- endif %}

),

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}
    {%- if ns.after_file_order is not none %}
    where _file_order > {{ ns.after_file_order }}
    {%- endif %}

),

event_classifications as (

    select * from {{ classifications }}

),

form_event_types as (

    select
        rule_order as pattern_order,
        match_value as form_name_pattern,
        event_type
    from event_classifications
    where rule_kind = 'form_name_pattern'

),

email_event_types as (

    select
        match_value as email_event_type,
        event_type
    from event_classifications
    where rule_kind = 'hubspot_email_event_type'

),

marketo_activity_types as (

    select
        cast(match_value as {{ dbt.type_int() }}) as activity_type_id,
        event_type
    from event_classifications
    where rule_kind = 'marketo_activity_type_id'

),

form_records as (

    select
        'hubspot' as source_system,
        'form_submission' as source_object,
        form_submission_id as source_record_id,
        contact_id as person_record_id,
        email,
        submitted_at as occurred_at,
        form_name,
        _file_order
    from hubspot_form_submissions

    union all

    select
        'marketo' as source_system,
        'activity' as source_object,
        activity_id as source_record_id,
        lead_id as person_record_id,
        cast(null as {{ dbt.type_string() }}) as email,
        occurred_at,
        primary_attribute_value as form_name,
        _file_order
    from marketo_activities
    where is_form_fill_out

),

form_matches as (

    select
        form_records.source_system,
        form_records.source_record_id,
        form_event_types.event_type,
        row_number() over (
            partition by form_records.source_system, form_records.source_record_id
            order by form_event_types.pattern_order
        ) as match_rank
    from form_records
    inner join form_event_types
        on lower(coalesce(form_records.form_name, '')) like lower(form_event_types.form_name_pattern)

),

form_events as (

    select
        form_records.source_system,
        form_records.source_object,
        form_records.source_record_id,
        form_records.person_record_id,
        form_records.email,
        form_matches.event_type,
        form_records.occurred_at,
        form_records.form_name,
        form_records._file_order
    from form_records
    left join form_matches
        on form_matches.source_system = form_records.source_system
        and form_matches.source_record_id = form_records.source_record_id
        and form_matches.match_rank = 1

),

email_events as (

    select
        'hubspot' as source_system,
        'email_event' as source_object,
        hubspot_email_events.email_event_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as person_record_id,
        hubspot_email_events.recipient_email as email,
        email_event_types.event_type,
        hubspot_email_events.occurred_at,
        cast(null as {{ dbt.type_string() }}) as form_name,
        hubspot_email_events._file_order
    from hubspot_email_events
    left join email_event_types
        on hubspot_email_events.email_event_type = email_event_types.email_event_type

),

marketo_events as (

    select
        'marketo' as source_system,
        'activity' as source_object,
        marketo_activities.activity_id as source_record_id,
        marketo_activities.lead_id as person_record_id,
        cast(null as {{ dbt.type_string() }}) as email,
        marketo_activity_types.event_type,
        marketo_activities.occurred_at,
        cast(null as {{ dbt.type_string() }}) as form_name,
        marketo_activities._file_order
    from marketo_activities
    left join marketo_activity_types
        on marketo_activities.activity_type_id = marketo_activity_types.activity_type_id
    where not marketo_activities.is_form_fill_out

),

final as (

    select
        *,
        '{{ ns.fingerprint }}' as definitions_fingerprint
    from (
        select * from form_events

        union all

        select * from email_events

        union all

        select * from marketo_events
    ) as records

)

select * from final
