{#
    Cohort-based stage-to-stage conversion and velocity, the body of rpt_funnel_conversion (people)
    and rpt_account_funnel_conversion (accounts): for each adjacent pair of funnel stages (the
    definitions' `stages`, in order), the entities (`entity_key`) that entered the earlier stage in
    a calendar month (reporting time zone) and how many of them have reached the next stage since,
    with the median time it took. Never a ratio of two months' snapshot counts: the stage times of
    `funnel_relation` (became_<stage>_at) are monotonic, so the converted are always a subset of
    their own cohort. `dimensions_relation`: one row per entity, dimension_name and dimension_value
    (dimension_name 'all' for everyone).
#}
{% macro cohort_conversion(entity_key, funnel_relation, dimensions_relation) -%}
{%- set stages = smarketing.definition_stage_names() %}

with

funnel as (

    select * from {{ funnel_relation }}

),

entity_dimensions as (

    select * from {{ dimensions_relation }}

),

stage_pairs as (

    {%- for from_stage in stages[:-1] %}
    {%- set to_stage = stages[loop.index] %}

    select
        {{ entity_key }},
        {{ loop.index }} as stage_pair_order,
        {{ smarketing.sql_string(from_stage) }} as from_stage,
        {{ smarketing.sql_string(to_stage) }} as to_stage,
        became_{{ from_stage }}_at as entered_from_at,
        became_{{ to_stage }}_at as entered_to_at
    from funnel
    where became_{{ from_stage }}_at is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- else %}

    select
        cast(null as {{ dbt.type_string() }}) as {{ entity_key }},
        cast(null as {{ dbt.type_int() }}) as stage_pair_order,
        cast(null as {{ dbt.type_string() }}) as from_stage,
        cast(null as {{ dbt.type_string() }}) as to_stage,
        cast(null as {{ dbt.type_timestamp() }}) as entered_from_at,
        cast(null as {{ dbt.type_timestamp() }}) as entered_to_at
    where 1 = 0
    {%- endfor %}

),

transitions as (

    select
        {{ entity_key }},
        stage_pair_order,
        from_stage,
        to_stage,
        {{ smarketing.reporting_month('entered_from_at') }} as cohort_month,
        entered_to_at,
        {{ dbt.datediff('entered_from_at', 'entered_to_at', 'second') }} / 86400.0 as days_to_convert
    from stage_pairs

),

cohorts as (

    select
        transitions.cohort_month,
        transitions.stage_pair_order,
        transitions.from_stage,
        transitions.to_stage,
        entity_dimensions.dimension_name,
        entity_dimensions.dimension_value,
        count(*) as entered_from,
        count(transitions.entered_to_at) as converted,
        {{ smarketing.round_fraction(smarketing.median('transitions.days_to_convert')) }} as median_days_to_convert
    from transitions
    inner join entity_dimensions
        on entity_dimensions.{{ entity_key }} = transitions.{{ entity_key }}
    group by
        transitions.cohort_month,
        transitions.stage_pair_order,
        transitions.from_stage,
        transitions.to_stage,
        entity_dimensions.dimension_name,
        entity_dimensions.dimension_value

),

final as (

    select
        cohort_month,
        stage_pair_order,
        from_stage,
        to_stage,
        dimension_name,
        dimension_value,
        {{ dbt.datediff('cohort_month', smarketing.reporting_as_of_date(), 'month') }} as cohort_age_months,
        entered_from,
        converted,
        round(converted * 1.0 / entered_from, 4) as conversion_rate,
        round(median_days_to_convert, 2) as median_days_to_convert
    from cohorts

)

select * from final
{%- endmacro %}
