{#
    The funnel and revenue side of the closed loop per reporting month, channel, campaign and
    account segment: the leads, MQLs, SQLs, opportunities, pipeline, won deals and won revenue of
    rpt_closed_loop, split by the segment of the account they belong to (fct_account_funnel.segment:
    a person's account for leads, MQLs and SQLs; the opportunity's account for opportunities,
    pipeline and won deals). account_segment is null for people and opportunities without an
    account. A person counts under their first-touch campaign (fct_funnel.first_touch_campaign)
    and, when that campaign has spend, the channel its spend is booked under (the channel with the
    most spend), else under their own channel (fct_funnel.channel); opportunities and won deals
    count under their person's. Months are reporting-time-zone months of became_<stage>_at (leads,
    MQLs, SQLs), created_at (opportunities, pipeline) and closed_at (won deals and revenue).

    Spend is bought per campaign, not per account, so it has no segment: it stays in
    rpt_closed_loop, which adds these rows up over the segments (this model is where people and
    opportunities are assigned to a channel and campaign, for both reports).
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

account_funnel as (

    select * from {{ ref('fct_account_funnel') }}

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
        accounts.segment as account_segment,
        funnel.became_lead_at,
        funnel.became_mql_at,
        funnel.became_sql_at
    from funnel
    left join campaign_spend_channels as campaign_channels
        on campaign_channels.campaign_name = funnel.first_touch_campaign
        and campaign_channels.channel_rank = 1
    left join account_funnel as accounts
        on accounts.account_key = funnel.account_key

),

{%- set stage_columns = [('leads', 'became_lead_at'), ('mqls', 'became_mql_at'), ('sqls', 'became_sql_at')] %}

{%- for metric, column in stage_columns %}

{{ metric }}_facts as (

    select
        {{ smarketing.reporting_month_of_date(smarketing.reporting_date(column)) }} as report_month,
        channel,
        campaign_name,
        account_segment,
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
        people.campaign_name,
        accounts.segment as account_segment
    from opportunities
    left join people
        on people.person_key = opportunities.person_key
    left join account_funnel as accounts
        on accounts.account_key = opportunities.account_key

),

opportunity_facts as (

    select
        {{ smarketing.reporting_month_of_date('created_date_reporting') }} as report_month,
        channel,
        campaign_name,
        account_segment,
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
        account_segment,
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

    {%- for metric, _ in stage_columns %}
    select * from {{ metric }}_facts
    union all
    {%- endfor %}
    select * from opportunity_facts
    union all
    select * from won_facts

),

totals as (

    select
        report_month,
        channel,
        campaign_name,
        account_segment,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(opportunities) as opportunities,
        cast(sum(pipeline) as decimal(18, 2)) as pipeline,
        sum(won_deals) as won_deals,
        cast(sum(won_revenue) as decimal(18, 2)) as won_revenue
    from facts
    group by report_month, channel, campaign_name, account_segment

),

final as (

    select
        report_month,
        channel,
        campaign_name,
        account_segment,
        leads,
        mqls,
        sqls,
        opportunities,
        pipeline,
        won_deals,
        won_revenue,
        {{ smarketing.reporting_currency_code() }} as reporting_currency
    from totals

)

select * from final
