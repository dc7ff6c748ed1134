{#
    The journeys the data-driven attribution models learn from (definitions/README.md, Data-driven
    attribution): one row per touch of a journey, with its state (the touch column named by
    `attribution.data_driven.state`) and its place in the journey.

    - converting journeys: the eligible touches of each opportunity that converts
      (`attribution.data_driven.conversion`; won_opportunity: a won opportunity), the same touches
      fct_attribution credits (its people and its account's, `attribution.lookback_days`);
    - non-converting journeys: the touches of each account without a won opportunity (and of each
      person without an account who is on no won opportunity), from `attribution.lookback_days`
      before its latest touch up to that touch.

    Touches are ordered by time, ties by touch_id (as for the positions of fct_attribution).
#}

{%- set state_column = smarketing.definition_attribution_state_column() %}

with

opportunity_touches as (

    select * from {{ ref('int_opportunity_touches') }}

),

touches as (

    select * from {{ ref('int_touches_unified') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

opportunity_person_links as (

    select * from {{ ref('int_opportunity_person_links') }}

),

converted_opportunities as (

    select
        source_system,
        opportunity_id,
        account_key
    from opportunities
    where {{ smarketing.definition_attribution_conversion('is_won') }}

),

converting_touches as (

    select
        'deal' as journey_kind,
        {{ dbt.concat(['opportunity_touches.opportunity_source_system', "':'", 'opportunity_touches.opportunity_id']) }} as journey_key,
        true as is_converting,
        opportunity_touches.touch_id,
        opportunity_touches.touch_at,
        opportunity_touches.{{ state_column }} as state
    from opportunity_touches
    inner join converted_opportunities
        on converted_opportunities.source_system = opportunity_touches.opportunity_source_system
        and converted_opportunities.opportunity_id = opportunity_touches.opportunity_id

),

converted_accounts as (

    select distinct account_key
    from converted_opportunities
    where account_key is not null

),

converted_people as (

    select distinct opportunity_person_links.person_key
    from opportunity_person_links
    inner join converted_opportunities
        on converted_opportunities.source_system = opportunity_person_links.source_system
        and converted_opportunities.opportunity_id = opportunity_person_links.opportunity_id

),

unconverted_touches as (

    select
        case when touches.account_key is null then 'person' else 'account' end as journey_kind,
        coalesce(touches.account_key, touches.person_key) as journey_key,
        touches.touch_id,
        touches.touch_at,
        touches.{{ state_column }} as state
    from touches
    left join converted_accounts
        on converted_accounts.account_key = touches.account_key
    left join converted_people
        on converted_people.person_key = touches.person_key
    where converted_accounts.account_key is null
        and (touches.account_key is not null or converted_people.person_key is null)

),

unconverted_windows as (

    select
        *,
        max(touch_at) over (partition by journey_kind, journey_key) as last_touch_at
    from unconverted_touches

),

non_converting_touches as (

    select
        journey_kind,
        journey_key,
        false as is_converting,
        touch_id,
        touch_at,
        state
    from unconverted_windows
    where touch_at >= {{ dbt.dateadd('day', '-' ~ smarketing.definition_attribution_lookback_days(), 'last_touch_at') }}

),

journey_touches as (

    select * from converting_touches
    union all
    select * from non_converting_touches

),

final as (

    select
        {{ dbt.concat(['journey_kind', "':'", 'journey_key']) }} as journey_id,
        journey_kind,
        is_converting,
        touch_id,
        touch_at,
        state,
        row_number() over (partition by journey_kind, journey_key order by touch_at, touch_id) as touch_sequence,
        row_number() over (partition by journey_kind, journey_key order by touch_at desc, touch_id desc) as reverse_sequence
    from journey_touches

)

select * from final
