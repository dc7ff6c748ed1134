{#
    The funnel as a history of events (definitions/README.md, Lifecycle events): one row per person,
    stage, event type and entry. First entries are the governed ones (fct_funnel's became_*_at,
    backfilled stages flagged); a recycled person who qualifies again re-enters
    `recycle.reentry_stage` (int_funnel_mql_reentries); sales' recycles and disqualifications
    (int_lead_rejections) are kept as events on the furthest stage the person had reached.
    BI-facing: no emails, no phone numbers.
#}

with

stage_entries as (

    select * from {{ ref('int_funnel_stage_entries') }}

),

reentries as (

    select * from {{ ref('int_funnel_mql_reentries') }}

),

rejections as (

    select * from {{ ref('int_lead_rejections') }}

),

stages as (

    select * from {{ ref('int_definition_stages') }}

),

definition_versions as (

    select * from {{ ref('int_definition_versions') }}

),

{%- set reentry_stage = smarketing.definition_setting('recycle.reentry_stage') %}

first_entries as (

    select
        person_key,
        stage_name,
        stage_order,
        'entry' as event_type,
        cast(1 as {{ dbt.type_int() }}) as entry_number,
        entered_at as occurred_at,
        is_backfilled,
        cast(null as {{ dbt.type_timestamp() }}) as recycled_at,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as lead_status,
        cast(null as {{ dbt.type_string() }}) as rejection_reason
    from stage_entries

),

later_entries as (

    select
        reentries.person_key,
        stages.stage_name,
        stages.stage_order,
        'entry' as event_type,
        reentries.entry_number,
        reentries.reentered_at as occurred_at,
        false as is_backfilled,
        reentries.recycled_at,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as lead_status,
        cast(null as {{ dbt.type_string() }}) as rejection_reason
    from reentries
    inner join stages
        on {% for stage in smarketing.definition_stage_names() if stage == reentry_stage -%}
        stages.stage_name = {{ smarketing.sql_string(stage) }}
        {%- else -%}
        1 = 0
        {%- endfor %}

),

rejection_stages as (

    select
        rejections.lead_history_id,
        rejections.person_key,
        rejections.rejected_at,
        rejections.rejection_type,
        rejections.rejection_status,
        rejections.rejection_reason,
        rejections.lead_id,
        stage_entries.stage_name,
        stage_entries.stage_order,
        row_number() over (
            partition by rejections.lead_history_id
            order by stage_entries.stage_order desc
        ) as stage_rank
    from rejections
    left join stage_entries
        on stage_entries.person_key = rejections.person_key
        and stage_entries.entered_at <= rejections.rejected_at
    where rejections.person_key is not null

),

rejection_events as (

    select
        person_key,
        stage_name,
        stage_order,
        rejection_type as event_type,
        cast(row_number() over (
            partition by person_key, stage_name, rejection_type
            order by rejected_at, lead_history_id
        ) as {{ dbt.type_int() }}) as entry_number,
        rejected_at as occurred_at,
        false as is_backfilled,
        cast(null as {{ dbt.type_timestamp() }}) as recycled_at,
        lead_id,
        rejection_status as lead_status,
        rejection_reason
    from rejection_stages
    where stage_rank = 1

),

events as (

    select * from first_entries
    union all
    select * from later_entries
    union all
    select * from rejection_events

),

final as (

    select
        events.person_key,
        events.stage_name,
        events.stage_order,
        events.event_type,
        events.entry_number,
        events.occurred_at,
        events.is_backfilled,
        events.recycled_at,
        events.lead_id,
        events.lead_status,
        events.rejection_reason,
        definition_versions.definition_version
    from events
    cross join definition_versions
    where definition_versions.is_in_force

)

select * from final
