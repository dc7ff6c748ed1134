{#
    MQL own entry time (definitions/README.md, Stage entry): for people whose email domain is not
    excluded, the first of
      (a) the first event whose type is a hand-raiser type, and
      (b) the first instant at which the running engagement score (sum of the event weights, events
          at the same instant summed together) reaches the score threshold.
#}

with

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

persons as (

    select * from {{ ref('int_persons_unified') }}

),

engagement_weights as (

    {{ smarketing.definition_engagement_weights() }}

),

excluded_domains as (

    {{ smarketing.definition_excluded_email_domains() }}

),

person_exclusions as (

    select
        persons.person_key,
        min(excluded_domains.exclusion_list) as exclusion_list
    from persons
    inner join excluded_domains
        on excluded_domains.email_domain = persons.email_domain
    group by persons.person_key

),

eligible_events as (

    select
        engagement_events.person_key,
        engagement_events.event_type,
        engagement_events.occurred_at
    from engagement_events
    inner join persons
        on persons.person_key = engagement_events.person_key
    left join person_exclusions
        on person_exclusions.person_key = engagement_events.person_key
    where person_exclusions.person_key is null

),

hand_raises as (

    select
        person_key,
        min(occurred_at) as hand_raised_at
    from eligible_events
    where {{ smarketing.sql_in('event_type', smarketing.definition_setting('mql.hand_raiser_event_types')) }}
    group by person_key

),

instant_scores as (

    select
        eligible_events.person_key,
        eligible_events.occurred_at,
        sum(coalesce(engagement_weights.engagement_weight, 0)) as instant_score
    from eligible_events
    left join engagement_weights
        on engagement_weights.event_type = eligible_events.event_type
    group by eligible_events.person_key, eligible_events.occurred_at

),

running_scores as (

    select
        person_key,
        occurred_at,
        sum(instant_score) over (
            partition by person_key
            order by occurred_at
            rows between unbounded preceding and current row
        ) as running_score
    from instant_scores

),

threshold_reached as (

    select
        person_key,
        min(occurred_at) as score_reached_at
    from running_scores
    where running_score >= {{ smarketing.sql_number(smarketing.definition_setting('mql.score_threshold')) }}
    group by person_key

),

final as (

    select
        persons.person_key,
        person_exclusions.person_key is not null as is_excluded,
        person_exclusions.exclusion_list,
        hand_raises.hand_raised_at,
        threshold_reached.score_reached_at,
        {{ smarketing.earliest_of(['hand_raises.hand_raised_at', 'threshold_reached.score_reached_at']) }} as mql_own_at,
        case
            when hand_raises.hand_raised_at is not null
                and (
                    threshold_reached.score_reached_at is null
                    or hand_raises.hand_raised_at <= threshold_reached.score_reached_at
                )
                then 'hand_raiser'
            when threshold_reached.score_reached_at is not null then 'engagement_score'
        end as mql_trigger
    from persons
    left join person_exclusions
        on person_exclusions.person_key = persons.person_key
    left join hand_raises
        on hand_raises.person_key = persons.person_key
    left join threshold_reached
        on threshold_reached.person_key = persons.person_key

)

select * from final
