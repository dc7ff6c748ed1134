{#
    The first entry of every stage in fct_funnel_stage_events is the governed entry in fct_funnel
    (became_<stage>_at), and every governed entry has one. Returns the disagreements.
    Shown in Dagster as a check on fct_funnel_stage_events.
#}

{{ config(meta={'dagster': {'ref': {'name': 'fct_funnel_stage_events'}}}) }}

with

funnel as (

    select * from {{ ref('fct_funnel') }}

),

stage_events as (

    select * from {{ ref('fct_funnel_stage_events') }}

),

first_entries as (

    select
        person_key,
        stage_name,
        occurred_at
    from stage_events
    where event_type = 'entry'
        and entry_number = 1

),

{%- set stages = smarketing.definition_stage_names() %}

governed as (

    {%- for stage in stages %}

    select
        person_key,
        {{ smarketing.sql_string(stage) }} as stage_name,
        became_{{ stage }}_at as entered_at
    from funnel
    where became_{{ stage }}_at is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

disagreements as (

    select
        coalesce(governed.person_key, first_entries.person_key) as person_key,
        coalesce(governed.stage_name, first_entries.stage_name) as stage_name,
        governed.entered_at as became_at,
        first_entries.occurred_at as first_entry_at
    from governed
    full outer join first_entries
        on first_entries.person_key = governed.person_key
        and first_entries.stage_name = governed.stage_name
    where governed.entered_at is null
        or first_entries.occurred_at is null
        or governed.entered_at <> first_entries.occurred_at

)

select * from disagreements
