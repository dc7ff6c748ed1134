{#
    Return on marketing spend per attribution model, reporting month, channel and campaign: the won
    revenue each model credits to the touches of a channel and campaign (fct_attribution, the
    touch's campaign from fct_touches, month of the opportunity's close in the reporting time zone)
    against the spend of that channel and campaign in the month (fct_marketing_spend). Every model of the definitions file has a row for
    every month, channel and campaign with spend or credited revenue.
        roi  = (attributed revenue - spend) / spend
        roas = attributed revenue / spend
    both null when spend is 0. Won revenue no touch earns is under channel 'Unattributed'.
#}

with

attribution as (

    select * from {{ ref('fct_attribution') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

touches as (

    select * from {{ ref('fct_touches') }}

),

spend as (

    select * from {{ ref('fct_marketing_spend') }}

),

models as (

    select * from {{ ref('int_definition_attribution_models') }}

),

credited as (

    select
        attribution.attribution_model,
        {{ smarketing.reporting_month_of_date('opportunities.closed_date_reporting') }} as report_month,
        coalesce(attribution.channel, 'Unattributed') as channel,
        touches.campaign_name,
        sum(attribution.attributed_revenue) as attributed_revenue,
        count(distinct attribution.opportunity_id) as won_deals_touched
    from attribution
    inner join opportunities
        on opportunities.opportunity_id = attribution.opportunity_id
        and opportunities.source_system = attribution.source_system
    left join touches
        on touches.touch_id = attribution.touch_id
    where attribution.is_won
        and opportunities.closed_date_reporting is not null
    group by 1, 2, 3, 4

),

monthly_spend as (

    select
        cost_month as report_month,
        channel,
        campaign_name,
        sum(cost_reporting) as spend
    from spend
    group by 1, 2, 3

),

spend_by_model as (

    select
        models.attribution_model,
        monthly_spend.report_month,
        monthly_spend.channel,
        monthly_spend.campaign_name,
        monthly_spend.spend
    from monthly_spend
    cross join models

),

keys as (

    select attribution_model, report_month, channel, campaign_name from credited

    union

    select attribution_model, report_month, channel, campaign_name from spend_by_model

),

joined as (

    select
        keys.attribution_model,
        models.model_order,
        keys.report_month,
        keys.channel,
        keys.campaign_name,
        cast(coalesce(spend_by_model.spend, 0) as decimal(18, 2)) as spend,
        cast(coalesce(credited.attributed_revenue, 0) as decimal(18, 2)) as attributed_revenue,
        coalesce(credited.won_deals_touched, 0) as won_deals_touched
    from keys
    left join models
        on models.attribution_model = keys.attribution_model
    left join credited
        on credited.attribution_model = keys.attribution_model
        and credited.report_month = keys.report_month
        and credited.channel = keys.channel
        and coalesce(credited.campaign_name, '') = coalesce(keys.campaign_name, '')
    left join spend_by_model
        on spend_by_model.attribution_model = keys.attribution_model
        and spend_by_model.report_month = keys.report_month
        and spend_by_model.channel = keys.channel
        and coalesce(spend_by_model.campaign_name, '') = coalesce(keys.campaign_name, '')

),

final as (

    select
        attribution_model,
        model_order,
        report_month,
        channel,
        campaign_name,
        spend,
        attributed_revenue,
        won_deals_touched,
        {{ smarketing.round_quotient('attributed_revenue - spend', 'nullif(spend, 0)', 4) }} as roi,
        {{ smarketing.round_quotient('attributed_revenue', 'nullif(spend, 0)', 4) }} as roas,
        {{ smarketing.reporting_currency_code() }} as reporting_currency
    from joined

)

select * from final
