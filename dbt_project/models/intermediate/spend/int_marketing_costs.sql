{#
    Every counted marketing cost as one row per source, campaign and day, in its own currency and
    in the reporting currency (rate in force on the cost date). Which input counts is decided once,
    in int_marketing_cost_inputs (ad spend, then Salesforce Campaign ActualCost, then Marketo
    program costs); here the counted ones are placed on days:
      - ad platform spend on the platforms' own report days, taken as reporting days; spend the
        mapping does not know stays, with channel 'Unmapped';
      - a Salesforce Campaign ActualCost spread evenly over StartDate..EndDate (whole cents, the
        last day takes the remainder);
      - a Marketo program period cost on its costStartDate.
    Channel (seed touch_channels, one vocabulary with the touches): the mapping's channel read as
    a utm_medium or a channel name, else the CRM campaign's Type; a Salesforce campaign's Type; a
    Marketo program's channel; else 'Unmapped'.
#}

with

cost_inputs as (

    select * from {{ ref('int_marketing_cost_inputs') }}
    where is_counted

),

salesforce_campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

touch_channels as (

    select * from {{ ref('touch_channels') }}

),

channel_teams as (

    select * from {{ ref('channel_teams') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

ad_costs as (

    select
        inputs.cost_source,
        inputs.cost_date,
        inputs.source_campaign_id,
        inputs.source_campaign_name,
        inputs.crm_campaign_id,
        crm.campaign_name as crm_campaign_name,
        inputs.utm_campaign,
        inputs.channel_value,
        'utm_medium' as channel_field,
        crm.campaign_type as fallback_channel_value,
        'campaign_type' as fallback_channel_field,
        inputs.is_mapped,
        inputs.currency_code,
        inputs.cost
    from cost_inputs as inputs
    left join salesforce_campaigns as crm
        on crm.campaign_id = inputs.crm_campaign_id
    where inputs.cost_kind = 'ad_spend'

),

campaign_cost_spans as (

    select
        source_campaign_id as campaign_id,
        source_campaign_name as campaign_name,
        channel_value as campaign_type,
        currency_code,
        cost as actual_cost,
        cost_date as first_day,
        case
            when campaign_end_date >= cost_date then campaign_end_date
            else cost_date
        end as last_day
    from cost_inputs
    where cost_kind = 'campaign_cost'

),

campaign_cost_shares as (

    select
        *,
        {{ dbt.datediff('first_day', 'last_day', 'day') }} + 1 as days,
        cast(
            floor(actual_cost * 100 / ({{ dbt.datediff('first_day', 'last_day', 'day') }} + 1)) / 100
            as decimal(18, 2)
        ) as daily_cost
    from campaign_cost_spans

),

salesforce_costs as (

    select
        'salesforce_campaign' as cost_source,
        calendar.date_day as cost_date,
        shares.campaign_id as source_campaign_id,
        shares.campaign_name as source_campaign_name,
        shares.campaign_id as crm_campaign_id,
        shares.campaign_name as crm_campaign_name,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        shares.campaign_type as channel_value,
        'campaign_type' as channel_field,
        cast(null as {{ dbt.type_string() }}) as fallback_channel_value,
        'campaign_type' as fallback_channel_field,
        true as is_mapped,
        upper(trim(shares.currency_code)) as currency_code,
        case
            when calendar.date_day = shares.last_day
                then shares.actual_cost - shares.daily_cost * (shares.days - 1)
            else shares.daily_cost
        end as cost
    from campaign_cost_shares as shares
    inner join calendar
        on calendar.date_day >= shares.first_day
        and calendar.date_day <= shares.last_day

),

marketo_costs as (

    select
        cost_source,
        cost_date,
        source_campaign_id,
        source_campaign_name,
        crm_campaign_id,
        source_campaign_name as crm_campaign_name,
        utm_campaign,
        channel_value,
        'marketo_program_channel' as channel_field,
        cast(null as {{ dbt.type_string() }}) as fallback_channel_value,
        'marketo_program_channel' as fallback_channel_field,
        is_mapped,
        currency_code,
        cost
    from cost_inputs
    where cost_kind = 'program_cost'

),

all_costs as (

    select * from ad_costs

    union all

    select * from salesforce_costs

    union all

    select * from marketo_costs

),

channelled as (

    select
        all_costs.*,
        coalesce(
            by_field.channel,
            known.channel,
            by_fallback.channel,
            known_fallback.channel,
            'Unmapped'
        ) as channel
    from all_costs
    left join touch_channels as by_field
        on by_field.match_on = all_costs.channel_field
        and lower(by_field.match_value) = lower(trim(all_costs.channel_value))
    left join channel_teams as known
        on lower(known.channel) = lower(trim(all_costs.channel_value))
    left join touch_channels as by_fallback
        on by_fallback.match_on = all_costs.fallback_channel_field
        and lower(by_fallback.match_value) = lower(trim(all_costs.fallback_channel_value))
    left join channel_teams as known_fallback
        on lower(known_fallback.channel) = lower(trim(all_costs.fallback_channel_value))

),

converted as (

    select
        channelled.*,
        {{ smarketing.reporting_month_of_date('channelled.cost_date') }} as cost_month,
        currency_rates.conversion_rate as currency_rate,
        reporting_rates.conversion_rate as reporting_currency_rate
    from channelled
    left join fx_rates as currency_rates
        on {{ smarketing.fx_rate_in_force('currency_rates', 'channelled.currency_code', 'channelled.cost_date') }}
    left join fx_rates as reporting_rates
        on {{ smarketing.fx_rate_in_force('reporting_rates', smarketing.reporting_currency_code(), 'channelled.cost_date') }}

),

final as (

    select
        cost_source,
        cost_date,
        cost_month,
        source_campaign_id,
        source_campaign_name,
        crm_campaign_id,
        coalesce(crm_campaign_name, source_campaign_name) as campaign_name,
        utm_campaign,
        channel,
        is_mapped and channel <> 'Unmapped' as is_mapped,
        currency_code,
        cost,
        {{ smarketing.amount_in_reporting_currency(
            'cost', 'currency_code', 'currency_rate', 'reporting_currency_rate') }} as cost_reporting,
        {{ smarketing.reporting_currency_code() }} as reporting_currency
    from converted

)

select * from final
