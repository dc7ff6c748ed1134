{#
    Sourced versus influenced, per opportunity (definitions/README.md, Sourced and influenced).

    sourced_team: the team of the opportunity's first eligible touch (sourcing_rule
    first_touch); without any eligible touch, the team of the channel of the opportunity
    person's original (lead) source (seed channel_teams; sourcing_rule lead_source); else null
    (sourcing_rule none). is_<team>_influenced: the opportunity has at least one eligible touch of
    that team. Pipeline is amount_reporting of every opportunity, won revenue that of won ones.
#}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

opportunity_touches as (

    select * from {{ ref('int_opportunity_touches') }}

),

funnel as (

    select * from {{ ref('fct_funnel') }}

),

channel_teams as (

    select * from {{ ref('channel_teams') }}

),

first_touches as (

    select
        opportunity_source_system,
        opportunity_id,
        touch_id,
        team,
        channel,
        campaign_id,
        campaign_name,
        touch_type
    from opportunity_touches
    where is_first_touch

),

influence as (

    select
        opportunity_source_system,
        opportunity_id,
        count(*) as eligible_touch_count,
        max(case when team = 'marketing' then 1 else 0 end) = 1 as is_marketing_influenced,
        max(case when team = 'sales' then 1 else 0 end) = 1 as is_sales_influenced
    from opportunity_touches
    group by opportunity_source_system, opportunity_id

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.source_system,
        opportunities.person_key,
        opportunities.account_key,
        coalesce(first_touches.team, lead_source_teams.team) as sourced_team,
        case
            when first_touches.touch_id is not null then 'first_touch'
            when lead_source_teams.team is not null then 'lead_source'
            else 'none'
        end as sourcing_rule,
        case when first_touches.touch_id is not null then first_touches.channel else funnel.channel end as sourced_channel,
        first_touches.touch_id as sourcing_touch_id,
        first_touches.touch_type as sourcing_touch_type,
        first_touches.campaign_id as sourcing_campaign_id,
        first_touches.campaign_name as sourcing_campaign_name,
        coalesce(influence.eligible_touch_count, 0) as eligible_touch_count,
        coalesce(influence.is_marketing_influenced, false) as is_marketing_influenced,
        coalesce(influence.is_sales_influenced, false) as is_sales_influenced,
        opportunities.created_at,
        opportunities.closed_at,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.amount_reporting as pipeline_amount_reporting,
        case when opportunities.is_won then opportunities.amount_reporting end as won_amount_reporting,
        opportunities.reporting_currency
    from opportunities
    left join first_touches
        on first_touches.opportunity_source_system = opportunities.source_system
        and first_touches.opportunity_id = opportunities.opportunity_id
    left join influence
        on influence.opportunity_source_system = opportunities.source_system
        and influence.opportunity_id = opportunities.opportunity_id
    left join funnel
        on funnel.person_key = opportunities.person_key
    left join channel_teams as lead_source_teams
        on first_touches.touch_id is null
        and lead_source_teams.channel = funnel.channel

)

select * from final
