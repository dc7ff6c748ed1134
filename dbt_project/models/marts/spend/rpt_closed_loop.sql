{#
    The closed loop per reporting month, channel and campaign: spend, the funnel it bought and the
    revenue it closed, and what each step cost. A person counts under their first-touch campaign
    (fct_funnel.first_touch_campaign) and, when that campaign has spend, the channel its spend is
    booked under (the channel with the most spend), else under their own channel (fct_funnel.channel);
    opportunities and won deals count under their person's. Months are reporting-time-zone months of:
    cost_date (spend), became_<stage>_at (leads, MQLs, SQLs), created_at (opportunities, pipeline),
    closed_at (won deals and revenue). Ratios are null when their denominator is 0.
#}

with

spend as (

    select * from {{ ref('fct_marketing_spend') }}

),

funnel as (

    select * from {{ ref('fct_funnel') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

campaign_spend_channels as (

    select
        campaign_name,
        channel,
        row_number() over (
            partition by campaign_name
            order by sum(cost_reporting) desc nulls last, channel
        ) as channel_rank
    from spend
    where campaign_name is not null
    group by campaign_name, channel

),

people as (

    select
        funnel.person_key,
        coalesce(campaign_channels.channel, funnel.channel) as channel,
        funnel.first_touch_campaign as campaign_name,
        funnel.became_lead_at,
        funnel.became_mql_at,
        funnel.became_sql_at
    from funnel
    left join campaign_spend_channels as campaign_channels
        on campaign_channels.campaign_name = funnel.first_touch_campaign
        and campaign_channels.channel_rank = 1

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

{%- set stage_columns = [('leads', 'became_lead_at'), ('mqls', 'became_mql_at'), ('sqls', 'became_sql_at')] %}

{%- for metric, column in stage_columns %}

{{ metric }}_facts as (

    select
        {{ smarketing.reporting_month_of_date(smarketing.reporting_date(column)) }} as report_month,
        channel,
        campaign_name,
        cast(0 as decimal(18, 2)) as spend,
        {%- for other, _ in stage_columns %}
        {{ 1 if other == metric else 0 }} as {{ other }},
        {%- endfor %}
        0 as opportunities,
        cast(0 as decimal(18, 2)) as pipeline,
        0 as won_deals,
        cast(0 as decimal(18, 2)) as won_revenue
    from people
    where {{ column }} is not null

),
{%- endfor %}

opportunity_people as (

    select
        opportunities.*,
        coalesce(people.channel, 'Unknown') as channel,
        people.campaign_name
    from opportunities
    left join people
        on people.person_key = opportunities.person_key

),

opportunity_facts as (

    select
        {{ smarketing.reporting_month_of_date('created_date_reporting') }} as report_month,
        channel,
        campaign_name,
        cast(0 as decimal(18, 2)) as spend,
        0 as leads,
        0 as mqls,
        0 as sqls,
        1 as opportunities,
        coalesce(amount_reporting, 0) as pipeline,
        0 as won_deals,
        cast(0 as decimal(18, 2)) as won_revenue
    from opportunity_people

),

won_facts as (

    select
        {{ smarketing.reporting_month_of_date('closed_date_reporting') }} as report_month,
        channel,
        campaign_name,
        cast(0 as decimal(18, 2)) as spend,
        0 as leads,
        0 as mqls,
        0 as sqls,
        0 as opportunities,
        cast(0 as decimal(18, 2)) as pipeline,
        1 as won_deals,
        coalesce(amount_reporting, 0) as won_revenue
    from opportunity_people
    where is_won
        and closed_date_reporting is not null

),

facts as (

    select * from spend_facts
    {%- for metric, _ in stage_columns %}
    union all
    select * from {{ metric }}_facts
    {%- endfor %}
    union all
    select * from opportunity_facts
    union all
    select * from won_facts

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
