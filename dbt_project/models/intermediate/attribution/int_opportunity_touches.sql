{#
    The touches eligible for each opportunity's attribution, with the key positions of its path
    (definitions/README.md, Attribution):

    - people: everyone on the opportunity (contact roles, the converted lead, HubSpot deal
      contacts) and every person of the opportunity's account;
    - window: from `attribution.lookback_days` before the opportunity was created up to when it
      closed (inclusive; no end while open);
    - positions (ties broken by touch_id): first_touch, the earliest; last_touch, the latest;
      lead_creation, the latest at or before the lead creation time (the earliest became_lead_at
      of the people on the opportunity); opportunity_creation, the latest at or before created_at;
      closed_won, the latest at or before closed_at of a won opportunity.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

opportunity_person_links as (

    select * from {{ ref('int_opportunity_person_links') }}

),

persons as (

    select * from {{ ref('int_persons_unified') }}

),

funnel as (

    select * from {{ ref('int_funnel_persons') }}

),

touches as (

    select * from {{ ref('int_touches_unified') }}

),

linked_people as (

    select distinct
        source_system,
        opportunity_id,
        person_key
    from opportunity_person_links

),

account_people as (

    select
        opportunities.source_system,
        opportunities.opportunity_id,
        persons.person_key
    from opportunities
    inner join persons
        on persons.account_key = opportunities.account_key

),

eligible_people as (

    select
        source_system,
        opportunity_id,
        person_key,
        max(is_linked_person) as is_linked_person
    from (
        select source_system, opportunity_id, person_key, 1 as is_linked_person from linked_people
        union all
        select source_system, opportunity_id, person_key, 0 as is_linked_person from account_people
    ) as people
    group by source_system, opportunity_id, person_key

),

lead_creation_times as (

    select
        linked_people.source_system,
        linked_people.opportunity_id,
        min(funnel.became_lead_at) as lead_created_at
    from linked_people
    inner join funnel
        on funnel.person_key = linked_people.person_key
    group by linked_people.source_system, linked_people.opportunity_id

),

windows as (

    select
        opportunities.source_system,
        opportunities.opportunity_id,
        opportunities.created_at as opportunity_created_at,
        opportunities.closed_at,
        opportunities.is_won,
        lead_creation_times.lead_created_at,
        {{ dbt.dateadd('day', '-' ~ smarketing.definition_attribution_lookback_days(), 'opportunities.created_at') }} as window_start_at
    from opportunities
    left join lead_creation_times
        on lead_creation_times.source_system = opportunities.source_system
        and lead_creation_times.opportunity_id = opportunities.opportunity_id
    where opportunities.created_at is not null

),

eligible_touches as (

    select
        windows.source_system as opportunity_source_system,
        windows.opportunity_id,
        windows.opportunity_created_at,
        windows.closed_at,
        windows.is_won,
        windows.lead_created_at,
        eligible_people.is_linked_person = 1 as is_linked_person,
        touches.*
    from windows
    inner join eligible_people
        on eligible_people.source_system = windows.source_system
        and eligible_people.opportunity_id = windows.opportunity_id
    inner join touches
        on touches.person_key = eligible_people.person_key
        and touches.touch_at >= windows.window_start_at
        and (windows.closed_at is null or touches.touch_at <= windows.closed_at)

),

ranked as (

    select
        *,
        row_number() over (
            partition by opportunity_source_system, opportunity_id
            order by touch_at, touch_id
        ) as touch_sequence,
        row_number() over (
            partition by opportunity_source_system, opportunity_id
            order by touch_at desc, touch_id desc
        ) as reverse_sequence,
        count(*) over (partition by opportunity_source_system, opportunity_id) as touch_count,
        row_number() over (
            partition by opportunity_source_system, opportunity_id, touch_at <= lead_created_at
            order by touch_at desc, touch_id desc
        ) as reverse_sequence_to_lead_creation,
        row_number() over (
            partition by opportunity_source_system, opportunity_id, touch_at <= opportunity_created_at
            order by touch_at desc, touch_id desc
        ) as reverse_sequence_to_opportunity_creation,
        max(touch_at) over (partition by opportunity_source_system, opportunity_id) as last_touch_at
    from eligible_touches

),

final as (

    select
        opportunity_source_system,
        opportunity_id,
        touch_id,
        person_key,
        account_key,
        is_linked_person,
        touch_at,
        touch_type,
        team,
        channel,
        campaign_id,
        campaign_name,
        content_asset,
        source_system as touch_source_system,
        touch_sequence,
        touch_count,
        touch_sequence = 1 as is_first_touch,
        coalesce(touch_at <= lead_created_at and reverse_sequence_to_lead_creation = 1, false) as is_lead_creation,
        coalesce(touch_at <= opportunity_created_at and reverse_sequence_to_opportunity_creation = 1, false) as is_opportunity_creation,
        coalesce(is_won and reverse_sequence = 1, false) as is_closed_won,
        reverse_sequence = 1 as is_last_touch,
        {{ dbt.datediff('touch_at', 'last_touch_at', 'second') }} as seconds_before_last_touch,
        lead_created_at,
        opportunity_created_at,
        closed_at,
        is_won
    from ranked

)

select * from final
