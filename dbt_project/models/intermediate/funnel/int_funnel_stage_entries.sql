{#
    Stage entries after backfill (definitions/README.md, Stage entry): walking the funnel from
    its last stage to its first, each stage's entry time is the earliest of its own time and
    the next stage's entry time, i.e. the earliest own time of the stage and every later stage.
    Stages and their order come from the definitions file; one row per stage a person reached.
#}

with

own_times as (

    select * from {{ ref('int_funnel_stage_own_times') }}

),

own_entries as (

    {%- for stage in smarketing.definition_stage_names() %}

    select
        person_key,
        {{ smarketing.sql_string(stage) }} as stage_name,
        cast({{ loop.index }} as {{ dbt.type_int() }}) as stage_order,
        {{ stage }}_own_at as own_entered_at
    from own_times
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

backfilled as (

    select
        person_key,
        stage_name,
        stage_order,
        own_entered_at,
        min(own_entered_at) over (
            partition by person_key
            order by stage_order desc
            rows between unbounded preceding and current row
        ) as entered_at
    from own_entries

),

final as (

    select
        person_key,
        stage_name,
        stage_order,
        own_entered_at,
        entered_at,
        coalesce(own_entered_at > entered_at, true) as is_backfilled
    from backfilled
    where entered_at is not null

)

select * from final
