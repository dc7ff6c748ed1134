{#
    Cohort-based stage-to-stage conversion and velocity at account grain, the same shape as the
    people's rpt_funnel_conversion: for each adjacent pair of funnel stages, the accounts that
    first entered the earlier stage in a calendar month (reporting time zone) and how many of them
    have reached the next stage since, with the median time it took. The account's stage times
    (fct_account_funnel) are monotonic, so the converted are always a subset of their cohort.
    A report of its own, so account counts never mix with the person grain of
    rpt_funnel_conversion and its semantic model.

    Long shape: one row per cohort month, stage pair and value of one dimension of the account
    (int_account_funnel_dimensions: channel, original source, first-touch campaign, region,
    segment, industry), plus dimension_name 'all' for every account.
#}

{%- set stages = smarketing.definition_stage_names() %}

with

account_funnel as (

    select * from {{ ref('fct_account_funnel') }}

),

account_dimensions as (

    select * from {{ ref('int_account_funnel_dimensions') }}

),

stage_pairs as (

    {%- for from_stage in stages[:-1] %}
    {%- set to_stage = stages[loop.index] %}

    select
        account_key,
        {{ loop.index }} as stage_pair_order,
        {{ smarketing.sql_string(from_stage) }} as from_stage,
        {{ smarketing.sql_string(to_stage) }} as to_stage,
        became_{{ from_stage }}_at as entered_from_at,
        became_{{ to_stage }}_at as entered_to_at
    from account_funnel
    where became_{{ from_stage }}_at is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- else %}

    select
        cast(null as {{ dbt.type_string() }}) as account_key,
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
        account_key,
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
        account_dimensions.dimension_name,
        account_dimensions.dimension_value,
        count(*) as entered_from,
        count(transitions.entered_to_at) as converted,
        {{ smarketing.round_fraction(smarketing.median('transitions.days_to_convert')) }} as median_days_to_convert
    from transitions
    inner join account_dimensions
        on account_dimensions.account_key = transitions.account_key
    group by
        transitions.cohort_month,
        transitions.stage_pair_order,
        transitions.from_stage,
        transitions.to_stage,
        account_dimensions.dimension_name,
        account_dimensions.dimension_value

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
