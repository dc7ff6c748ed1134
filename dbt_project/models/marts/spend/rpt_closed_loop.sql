{#
    The closed loop per reporting month, channel and campaign: spend, the funnel it bought and the
    revenue it closed, and what each step cost. A person counts under their first-touch campaign
    (fct_funnel.first_touch_campaign) and, when that campaign has spend, the channel its spend is
    booked under (the channel with the most spend), else under their own channel (fct_funnel.channel);
    opportunities and won deals count under their person's. Months are reporting-time-zone months of:
    cost_date (spend), became_<stage>_at (leads, MQLs, SQLs), created_at (opportunities, pipeline),
    closed_at (won deals and revenue). Ratios are null when their denominator is 0.
    The funnel and revenue side is rpt_closed_loop_by_account_segment added up over the account
    segments: people and opportunities are assigned to a channel and campaign there, once.
#}

with

spend as (

    select * from {{ ref('fct_marketing_spend') }}

),

segment_rows as (

    select * from {{ ref('rpt_closed_loop_by_account_segment') }}

),

spend_facts as (

    select
        cost_month as report_month,
        channel,
        campaign_name,
        cost_reporting as spend,
        0 as leads,
        0 as mqls,
        0 as sqls,
        0 as opportunities,
        cast(0 as decimal(18, 2)) as pipeline,
        0 as won_deals,
        cast(0 as decimal(18, 2)) as won_revenue
    from spend

),

funnel_facts as (

    select
        report_month,
        channel,
        campaign_name,
        cast(0 as decimal(18, 2)) as spend,
        leads,
        mqls,
        sqls,
        opportunities,
        pipeline,
        won_deals,
        won_revenue
    from segment_rows

),

facts as (

    select * from spend_facts
    union all
    select * from funnel_facts

),

totals as (

    select
        report_month,
        channel,
        campaign_name,
        cast(sum(spend) as decimal(18, 2)) as spend,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(opportunities) as opportunities,
        cast(sum(pipeline) as decimal(18, 2)) as pipeline,
        sum(won_deals) as won_deals,
        cast(sum(won_revenue) as decimal(18, 2)) as won_revenue
    from facts
    group by report_month, channel, campaign_name

),

final as (

    select
        report_month,
        channel,
        campaign_name,
        spend,
        leads,
        mqls,
        sqls,
        opportunities,
        pipeline,
        won_deals,
        won_revenue,
        {{ smarketing.round_quotient('spend', 'nullif(leads, 0)') }} as cost_per_lead,
        {{ smarketing.round_quotient('spend', 'nullif(mqls, 0)') }} as cost_per_mql,
        {{ smarketing.round_quotient('spend', 'nullif(sqls, 0)') }} as cost_per_sql,
        {{ smarketing.round_quotient('spend', 'nullif(opportunities, 0)') }} as cost_per_opportunity,
        {{ smarketing.round_quotient('spend', 'nullif(won_deals, 0)') }} as cac,
        {{ smarketing.reporting_currency_code() }} as reporting_currency
    from totals

)

select * from final
