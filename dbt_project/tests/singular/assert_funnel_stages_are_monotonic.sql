{#
    The governed funnel never goes backwards: for every person, each stage's entry time is at or
    after the previous stage's (stages in definitions order). Returns the offending rows.
#}

with

funnel as (

    select * from {{ ref('fct_funnel') }}

),

{%- set stages = smarketing.definition_stage_names() %}

violations as (

    {%- for stage in stages[1:] %}
    {%- set previous = stages[loop.index0] %}

    select
        person_key,
        {{ smarketing.sql_string(previous) }} as earlier_stage,
        became_{{ previous }}_at as earlier_entered_at,
        {{ smarketing.sql_string(stage) }} as later_stage,
        became_{{ stage }}_at as later_entered_at
    from funnel
    where became_{{ stage }}_at is not null
        and (became_{{ previous }}_at is null or became_{{ stage }}_at < became_{{ previous }}_at)
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

select * from violations
