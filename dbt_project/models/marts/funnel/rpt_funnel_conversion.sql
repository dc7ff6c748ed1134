{#
    Cohort-based stage-to-stage conversion: for each adjacent pair of funnel stages (the
    definitions' `stages`, in order), the people who entered the earlier stage in a calendar month
    (reporting time zone) and how many of them have reached the next stage since, with the median
    time it took. Never a ratio of two months' snapshot counts: the converted are always a subset
    of their own cohort.

    The governed stage times are monotonic (a skipped stage is backfilled with the next stage's
    time), so whoever reached the later stage also entered the earlier one, at or before it; a
    person who skipped the earlier stage converts at the same instant, after 0 days.

    Long shape: one row per cohort month, stage pair and value of one dimension (channel, original
    source, first-touch campaign, region, segment, owner), plus dimension_name 'all' for everyone.
#}

{%- set stages = smarketing.definition_stage_names() %}

with

funnel as (

    select * from {{ ref('fct_funnel') }}

),

person_dimensions as (

    select * from {{ ref('int_funnel_person_dimensions') }}

),

stage_pairs as (

    {%- for from_stage in stages[:-1] %}
    {%- set to_stage = stages[loop.index] %}

    select
        person_key,
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
        cast(null as {{ dbt.type_string() }}) as person_key,
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
        person_key,
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
        person_dimensions.dimension_name,
        person_dimensions.dimension_value,
        count(*) as entered_from,
        count(transitions.entered_to_at) as converted,
        {{ smarketing.round_fraction(smarketing.median('transitions.days_to_convert')) }} as median_days_to_convert
    from transitions
    inner join person_dimensions
        on person_dimensions.person_key = transitions.person_key
    group by
        transitions.cohort_month,
        transitions.stage_pair_order,
        transitions.from_stage,
        transitions.to_stage,
        person_dimensions.dimension_name,
        person_dimensions.dimension_value

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
