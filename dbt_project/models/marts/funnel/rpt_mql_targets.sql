{#
    Marketing's side of the agreement: governed MQLs per month (reporting time zone) against the
    targets of the targets file, at each grain a target was given for (the month, a region, a
    channel, or a region and a channel), plus the all-up month for every month with MQLs even
    without a target (target null). No targets file: one all-up row per month, targets null.

    A person counts as an MQL of the month in which they became one (became_mql_at, backfilled
    from later stages, as every governed MQL count). Region and channel match case-insensitively.
#}

with

funnel as (

    select * from {{ ref('fct_funnel') }}

),

targets as (

    select * from {{ ref('stg_targets__mql_targets') }}

),

mqls as (

    select
        person_key,
        lower(region) as region_key,
        lower(channel) as channel_key,
        {{ smarketing.reporting_month('became_mql_at') }} as mql_month
    from funnel
    where became_mql_at is not null

),

all_up_targets as (

    select target_month
    from targets
    where region is null
        and channel is null

),

untargeted_months as (

    select distinct
        mqls.mql_month
    from mqls
    left join all_up_targets
        on all_up_targets.target_month = mqls.mql_month
    where all_up_targets.target_month is null

),

grains as (

    select
        target_month as mql_month,
        region,
        channel,
        target_mqls
    from targets

    union all

    select
        mql_month,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_int() }}) as target_mqls
    from untargeted_months

),

actuals as (

    select
        grains.mql_month,
        grains.region,
        grains.channel,
        grains.target_mqls,
        count(mqls.person_key) as actual_mqls
    from grains
    left join mqls
        on mqls.mql_month = grains.mql_month
        and (grains.region is null or mqls.region_key = lower(grains.region))
        and (grains.channel is null or mqls.channel_key = lower(grains.channel))
    group by
        grains.mql_month,
        grains.region,
        grains.channel,
        grains.target_mqls

),

final as (

    select
        mql_month,
        case
            when region is null and channel is null then 'month'
            when channel is null then 'region'
            when region is null then 'channel'
            else 'region_channel'
        end as target_grain,
        region,
        channel,
        actual_mqls,
        target_mqls,
        case when target_mqls > 0 then round(actual_mqls * 1.0 / target_mqls, 4) end as target_attainment,
        actual_mqls - target_mqls as mqls_over_target,
        mql_month < cast({{ dbt.date_trunc('month', smarketing.reporting_as_of_date()) }} as date) as is_month_complete
    from actuals

)

select * from final
