{#
    Every marketing cost as one row per source, campaign and day, in its own currency and in the
    reporting currency (rate in force on the cost date). Precedence, so no cost counts twice:
      1. ad platform spend (Google, LinkedIn, Meta), always; tied to a CRM campaign and channel
         through the campaign mapping (by ad campaign id, else name); spend the mapping does not
         know stays, with channel 'Unmapped';
      2. Salesforce Campaign ActualCost of campaigns no mapped ad spend points to, spread evenly
         over StartDate..EndDate (whole cents, the last day takes the remainder);
      3. Marketo program period costs (on costStartDate) of programs no Salesforce campaign of the
         same name mirrors.
    Ad platform days are the platforms' own report days and are taken as reporting days.
    Channel (seed touch_channels, one vocabulary with the touches): the mapping's channel read as
    a utm_medium or a channel name, else the CRM campaign's Type; a Salesforce campaign's Type; a
    Marketo program's channel; else 'Unmapped'.
#}

with

google_ads as (

    select * from {{ ref('stg_spend__google_ads') }}

),

linkedin_ads as (

    select * from {{ ref('stg_spend__linkedin_ads') }}

),

meta_ads as (

    select * from {{ ref('stg_spend__meta_ads') }}

),

campaign_mappings as (

    select * from {{ ref('stg_spend__campaign_mappings') }}

),

salesforce_campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

marketo_programs as (

    select * from {{ ref('stg_marketo__programs') }}

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

ad_spend as (

    select 'google_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from google_ads

    union all

    select 'linkedin_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from linkedin_ads

    union all

    select 'meta_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from meta_ads

),

ad_campaigns as (

    select distinct cost_source, campaign_id, campaign_name
    from ad_spend

),

ad_campaign_mapping_candidates as (

    select
        ad_campaigns.cost_source,
        ad_campaigns.campaign_id,
        ad_campaigns.campaign_name,
        campaign_mappings.crm_campaign_id,
        campaign_mappings.utm_campaign,
        campaign_mappings.channel as mapping_channel,
        row_number() over (
            partition by ad_campaigns.cost_source, ad_campaigns.campaign_id, ad_campaigns.campaign_name
            order by
                case when campaign_mappings.ad_campaign = ad_campaigns.campaign_id then 0 else 1 end,
                campaign_mappings.ad_campaign
        ) as mapping_rank
    from ad_campaigns
    inner join campaign_mappings
        on lower(trim(campaign_mappings.platform)) = ad_campaigns.cost_source
        and (
            campaign_mappings.ad_campaign = ad_campaigns.campaign_id
            or lower(trim(campaign_mappings.ad_campaign)) = lower(trim(ad_campaigns.campaign_name))
        )

),

ad_campaign_mappings as (

    select * from ad_campaign_mapping_candidates
    where mapping_rank = 1

),

ad_costs as (

    select
        ad_spend.cost_source,
        ad_spend.spend_date as cost_date,
        ad_spend.campaign_id as source_campaign_id,
        ad_spend.campaign_name as source_campaign_name,
        mappings.crm_campaign_id,
        crm.campaign_name as crm_campaign_name,
        mappings.utm_campaign,
        mappings.mapping_channel as channel_value,
        'utm_medium' as channel_field,
        crm.campaign_type as fallback_channel_value,
        'campaign_type' as fallback_channel_field,
        mappings.cost_source is not null as is_mapped,
        ad_spend.currency_code,
        ad_spend.cost
    from ad_spend
    left join ad_campaign_mappings as mappings
        on mappings.cost_source = ad_spend.cost_source
        and mappings.campaign_id = ad_spend.campaign_id
        and coalesce(mappings.campaign_name, '') = coalesce(ad_spend.campaign_name, '')
    left join salesforce_campaigns as crm
        on crm.campaign_id = mappings.crm_campaign_id

),

campaigns_with_ad_spend as (

    select distinct crm_campaign_id
    from ad_costs
    where crm_campaign_id is not null

),

campaign_cost_spans as (

    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.currency_code,
        campaigns.actual_cost,
        coalesce(campaigns.start_date, cast(campaigns.created_at as date)) as first_day,
        case
            when campaigns.end_date >= coalesce(campaigns.start_date, cast(campaigns.created_at as date))
                then campaigns.end_date
            else coalesce(campaigns.start_date, cast(campaigns.created_at as date))
        end as last_day
    from salesforce_campaigns as campaigns
    where campaigns.actual_cost is not null
        and campaigns.actual_cost <> 0
        and campaigns.campaign_id not in (select crm_campaign_id from campaigns_with_ad_spend)
        and coalesce(campaigns.start_date, cast(campaigns.created_at as date)) is not null

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
        'marketo_program' as cost_source,
        programs.cost_start_date as cost_date,
        programs.program_id as source_campaign_id,
        programs.program_name as source_campaign_name,
        cast(null as {{ dbt.type_string() }}) as crm_campaign_id,
        programs.program_name as crm_campaign_name,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        programs.program_channel as channel_value,
        'marketo_program_channel' as channel_field,
        cast(null as {{ dbt.type_string() }}) as fallback_channel_value,
        'marketo_program_channel' as fallback_channel_field,
        true as is_mapped,
        upper(trim(programs.currency_code)) as currency_code,
        programs.cost
    from marketo_programs as programs
    where programs.cost is not null
        and programs.cost <> 0
        and programs.cost_start_date is not null
        and not exists (
            select 1
            from salesforce_campaigns as campaigns
            where lower(trim(campaigns.campaign_name)) = lower(trim(programs.program_name))
        )

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
