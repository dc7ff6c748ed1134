{#
    The journeys the data-driven attribution models learn from (definitions/README.md, Data-driven
    attribution): one row per touch of a journey, with its state (the touch column named by
    `attribution.data_driven.state`) and its place in the journey.

    - converting journeys: the eligible touches of each opportunity that converts
      (`attribution.data_driven.conversion`; won_opportunity: a won opportunity), the same touches
      fct_attribution credits (its people and its account's, `attribution.lookback_days`);
    - non-converting journeys: the touches of each account (and of each person without an
      account) from `attribution.lookback_days` before its latest touch up to that touch, when no
      converting opportunity of the account (of the person) closed at or after the start of that
      window; otherwise those touches are the converting journeys' already.

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
        account_key,
        coalesce(closed_at, created_at) as converted_at
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

account_conversions as (

    select
        'account' as journey_kind,
        account_key as journey_key,
        max(converted_at) as last_converted_at
    from converted_opportunities
    where account_key is not null
    group by account_key

),

person_conversions as (

    select
        'person' as journey_kind,
        opportunity_person_links.person_key as journey_key,
        max(converted_opportunities.converted_at) as last_converted_at
    from opportunity_person_links
    inner join converted_opportunities
        on converted_opportunities.source_system = opportunity_person_links.source_system
        and converted_opportunities.opportunity_id = opportunity_person_links.opportunity_id
    group by opportunity_person_links.person_key

),

conversions as (

    select * from account_conversions
    union all
    select * from person_conversions

),

keyed_touches as (

    select
        case when account_key is null then 'person' else 'account' end as journey_kind,
        coalesce(account_key, person_key) as journey_key,
        touch_id,
        touch_at,
        {{ state_column }} as state
    from touches

),

windows as (

    select
        *,
        {{ dbt.dateadd('day', '-' ~ smarketing.definition_attribution_lookback_days(), 'max(touch_at) over (partition by journey_kind, journey_key)') }} as window_start_at
    from keyed_touches

),

non_converting_touches as (

    select
        windows.journey_kind,
        windows.journey_key,
        false as is_converting,
        windows.touch_id,
        windows.touch_at,
        windows.state
    from windows
    left join conversions
        on conversions.journey_kind = windows.journey_kind
        and conversions.journey_key = windows.journey_key
    where windows.touch_at >= windows.window_start_at
        and (conversions.last_converted_at is null or conversions.last_converted_at < windows.window_start_at)

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
