{#
    Content impact: one row per content asset of the content calendar and reporting month with
    any of its effects, or its publication. Each measure counts in the month its event falls in
    (reporting time zone):
        touches, people_reached   touches of the asset (int_content_asset_touches) in the month
        new_leads, new_mqls       people who became a lead (an MQL) in the month, at or after a
                                  touch of the asset in that month
        opportunities_influenced  opportunities created in the month with a touch of the asset in
        pipeline_influenced       their attribution window (int_opportunity_touches) at or before
                                  their creation, and the sum of their amount_reporting
        won_revenue_attributed    the won revenue credited to the asset's touches under the model
                                  of definitions `reporting.content_attribution_model`
                                  (fct_attribution), in the month the opportunity closed won
    A touch naming two assets counts for both. Producers are the calendar's names, never emails.
#}

{%- set content_model = smarketing.content_attribution_model() %}

with

asset_touches as (

    select * from {{ ref('int_content_asset_touches') }}

),

calendar as (

    select * from {{ ref('stg_content__content_calendar') }}

),

funnel as (

    select * from {{ ref('fct_funnel') }}

),

opportunity_touches as (

    select * from {{ ref('int_opportunity_touches') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

attribution as (

    select * from {{ ref('fct_attribution') }}

),

reach as (

    select
        content_asset_key,
        touch_month as impact_month,
        count(*) as touches,
        count(distinct person_key) as people_reached
    from asset_touches
    group by 1, 2

),

first_touches as (

    select
        content_asset_key,
        person_key,
        touch_month,
        min(touch_at) as first_touch_at
    from asset_touches
    group by 1, 2, 3

),

conversions as (

    select
        first_touches.content_asset_key,
        first_touches.touch_month as impact_month,
        count(distinct case
            when {{ smarketing.reporting_month('funnel.became_lead_at') }} = first_touches.touch_month
                and funnel.became_lead_at >= first_touches.first_touch_at
                then funnel.person_key
        end) as new_leads,
        count(distinct case
            when {{ smarketing.reporting_month('funnel.became_mql_at') }} = first_touches.touch_month
                and funnel.became_mql_at >= first_touches.first_touch_at
                then funnel.person_key
        end) as new_mqls
    from first_touches
    inner join funnel
        on funnel.person_key = first_touches.person_key
    group by 1, 2

),

influenced as (

    select distinct
        asset_touches.content_asset_key,
        opportunity_touches.opportunity_source_system,
        opportunity_touches.opportunity_id
    from asset_touches
    inner join opportunity_touches
        on opportunity_touches.touch_id = asset_touches.touch_id
    where opportunity_touches.touch_at <= opportunity_touches.opportunity_created_at

),

pipeline as (

    select
        influenced.content_asset_key,
        {{ smarketing.reporting_month_of_date('opportunities.created_date_reporting') }} as impact_month,
        count(*) as opportunities_influenced,
        sum(opportunities.amount_reporting) as pipeline_influenced
    from influenced
    inner join opportunities
        on opportunities.opportunity_id = influenced.opportunity_id
        and opportunities.source_system = influenced.opportunity_source_system
    group by 1, 2

),

revenue as (

    select
        asset_touches.content_asset_key,
        {{ smarketing.reporting_month_of_date('opportunities.closed_date_reporting') }} as impact_month,
        sum(attribution.attributed_revenue) as won_revenue_attributed
    from attribution
    inner join asset_touches
        on asset_touches.touch_id = attribution.touch_id
    inner join opportunities
        on opportunities.opportunity_id = attribution.opportunity_id
        and opportunities.source_system = attribution.source_system
    where attribution.is_won
        and opportunities.closed_date_reporting is not null
        {% if content_model -%}
        and attribution.attribution_model = {{ content_model }}
        {%- else -%}
        and 1 = 0
        {%- endif %}
    group by 1, 2

),

months as (

    select content_asset_key, impact_month from reach
    union
    select content_asset_key, impact_month from pipeline
    union
    select content_asset_key, impact_month from revenue
    union
    select
        content_asset_key,
        {{ smarketing.reporting_month_of_date('published_date') }} as impact_month
    from calendar

),

final as (

    select
        months.content_asset_key,
        months.impact_month,
        calendar.asset_name,
        calendar.campaign_name,
        calendar.asset_type,
        calendar.url,
        calendar.published_date,
        {{ smarketing.reporting_month_of_date('calendar.published_date') }} = months.impact_month
            as is_published_in_month,
        coalesce(reach.touches, 0) as touches,
        coalesce(reach.people_reached, 0) as people_reached,
        coalesce(conversions.new_leads, 0) as new_leads,
        coalesce(conversions.new_mqls, 0) as new_mqls,
        coalesce(pipeline.opportunities_influenced, 0) as opportunities_influenced,
        cast(coalesce(pipeline.pipeline_influenced, 0) as decimal(18, 2)) as pipeline_influenced,
        {% if content_model -%}
        cast(coalesce(revenue.won_revenue_attributed, 0) as decimal(18, 2)) as won_revenue_attributed,
        {{ content_model }} as attribution_model,
        {%- else -%}
        cast(null as decimal(18, 2)) as won_revenue_attributed,
        cast(null as {{ dbt.type_string() }}) as attribution_model,
        {%- endif %}
        {{ smarketing.reporting_currency_code() }} as reporting_currency,
        calendar.author,
        calendar.author_team,
        calendar.marketing_helpers,
        calendar.sales_helpers
    from months
    inner join calendar
        on calendar.content_asset_key = months.content_asset_key
    left join reach
        on reach.content_asset_key = months.content_asset_key
        and reach.impact_month = months.impact_month
    left join conversions
        on conversions.content_asset_key = months.content_asset_key
        and conversions.impact_month = months.impact_month
    left join pipeline
        on pipeline.content_asset_key = months.content_asset_key
        and pipeline.impact_month = months.impact_month
    left join revenue
        on revenue.content_asset_key = months.content_asset_key
        and revenue.impact_month = months.impact_month

)

select * from final
