{#
    MQL own entry time "as defined then" (definitions/README.md, As defined then vs restated): the
    first instant at which the MQL rule of the version in force at that instant fires, instead of
    the run's version for all of history. Each version applies from its effective_from (a day in
    the reporting time zone) until the next version's: its exclusions, its hand-raiser event types,
    and its engagement weights summed over all the person's events up to the instant against its
    threshold.
#}

with

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

persons as (

    select * from {{ ref('int_persons_unified') }}

),

versions as (

    {{ smarketing.definition_mql_versions() }}

),

version_event_types as (

    {{ smarketing.definition_mql_version_event_types() }}

),

version_exclusions as (

    {{ smarketing.definition_mql_version_exclusions() }}

),

{%- set reporting_time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' %}

version_events as (

    select
        versions.definition_version,
        versions.effective_from,
        versions.effective_to,
        versions.score_threshold,
        engagement_events.person_key,
        engagement_events.occurred_at,
        coalesce(version_event_types.engagement_weight, 0) as engagement_weight,
        case when version_event_types.is_hand_raiser then 1 else 0 end as is_hand_raise
    from engagement_events
    inner join persons
        on persons.person_key = engagement_events.person_key
    cross join versions
    left join version_exclusions
        on version_exclusions.definition_version = versions.definition_version
        and version_exclusions.email_domain = persons.email_domain
    left join version_event_types
        on version_event_types.definition_version = versions.definition_version
        and version_event_types.event_type = engagement_events.event_type
    where version_exclusions.email_domain is null

),

instant_scores as (

    select
        definition_version,
        effective_from,
        effective_to,
        score_threshold,
        person_key,
        occurred_at,
        sum(engagement_weight) as instant_score,
        max(is_hand_raise) as has_hand_raise
    from version_events
    group by definition_version, effective_from, effective_to, score_threshold, person_key, occurred_at

),

running_scores as (

    select
        *,
        sum(instant_score) over (
            partition by definition_version, person_key
            order by occurred_at
            rows between unbounded preceding and current row
        ) as running_score,
        cast({{ smarketing.utc_to_local('occurred_at', smarketing.sql_string(reporting_time_zone)) }} as date) as occurred_date
    from instant_scores

),

triggers as (

    select
        person_key,
        definition_version,
        occurred_at,
        running_score,
        case when has_hand_raise = 1 then 'hand_raiser' else 'engagement_score' end as mql_trigger,
        row_number() over (partition by person_key order by occurred_at) as trigger_rank
    from running_scores
    where occurred_date >= effective_from
        and (effective_to is null or occurred_date < effective_to)
        and (has_hand_raise = 1 or running_score >= score_threshold)

),

final as (

    select
        persons.person_key,
        triggers.occurred_at as mql_own_at,
        triggers.mql_trigger,
        triggers.running_score as mql_score,
        triggers.definition_version
    from persons
    left join triggers
        on triggers.person_key = persons.person_key
        and triggers.trigger_rank = 1

)

select * from final
