{#
    MQL own entry time "as defined then" (definitions/README.md, As defined then vs restated): the
    first instant at which the MQL rule of the version in force at that instant fires, instead of
    the run's version for all of history. Each version applies from its effective_from (a day in
    the reporting time zone) until the next version's: its exclusions (domains and patterns), its
    hand-raiser event types, its fit, its engagement weights and decay over all the person's
    events up to the instant against its threshold, and its source score rule.
#}

with

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

persons as (

    select * from {{ ref('int_persons_unified') }}

),

source_score_changes as (

    select * from {{ ref('int_source_score_changes') }}

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

version_exclusion_patterns as (

    {{ smarketing.definition_mql_version_exclusion_patterns() }}

),

version_fit_regions as (

    {{ smarketing.definition_mql_version_fit_regions() }}

),

{%- set reporting_time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' %}

excluded_persons as (

    select
        version_exclusions.definition_version,
        persons.person_key
    from persons
    inner join version_exclusions
        on version_exclusions.email_domain = persons.email_domain

    union

    select
        version_exclusion_patterns.definition_version,
        persons.person_key
    from persons
    inner join version_exclusion_patterns
        on lower(persons.email_domain) like version_exclusion_patterns.email_domain_pattern

),

version_persons as (

    select
        versions.definition_version,
        versions.effective_from,
        versions.effective_to,
        versions.score_threshold,
        versions.half_life_days,
        versions.source_score_threshold,
        persons.person_key,
        (not versions.has_fit_regions or version_fit_regions.region is not null) as is_fit
    from persons
    cross join versions
    left join excluded_persons
        on excluded_persons.definition_version = versions.definition_version
        and excluded_persons.person_key = persons.person_key
    left join version_fit_regions
        on version_fit_regions.definition_version = versions.definition_version
        and version_fit_regions.region = persons.region
    where excluded_persons.person_key is null

),

version_events as (

    select
        version_persons.definition_version,
        version_persons.person_key,
        engagement_events.occurred_at,
        coalesce(version_event_types.engagement_weight, 0) as engagement_weight,
        case when version_event_types.is_hand_raiser then 1 else 0 end as is_hand_raise,
        version_persons.half_life_days
    from engagement_events
    inner join version_persons
        on version_persons.person_key = engagement_events.person_key
    left join version_event_types
        on version_event_types.definition_version = version_persons.definition_version
        and version_event_types.event_type = engagement_events.event_type

),

instant_scores as (

    select
        definition_version,
        person_key,
        occurred_at,
        sum(engagement_weight) as instant_score,
        max(is_hand_raise) as has_hand_raise,
        max(half_life_days) as half_life_days
    from version_events
    group by definition_version, person_key, occurred_at

),

{{ smarketing.mql_running_score_ctes('unrounded_scores', 'instant_scores', ['definition_version', 'person_key'], ['has_hand_raise'], 'half_life_days') }},

scores as (

    select
        definition_version,
        person_key,
        occurred_at,
        has_hand_raise,
        {{ smarketing.mql_round_score('running_score') }} as running_score
    from unrounded_scores

),

candidates as (

    select
        scores.definition_version,
        scores.person_key,
        scores.occurred_at,
        scores.running_score,
        case when scores.has_hand_raise = 1 then 'hand_raiser' else 'engagement_score' end as mql_trigger,
        case when scores.has_hand_raise = 1 then 1 else 2 end as rule_order
    from scores
    inner join version_persons
        on version_persons.definition_version = scores.definition_version
        and version_persons.person_key = scores.person_key
    where scores.has_hand_raise = 1
        or (version_persons.is_fit and scores.running_score >= version_persons.score_threshold)

    union all

    select
        version_persons.definition_version,
        version_persons.person_key,
        source_score_changes.changed_at as occurred_at,
        cast(null as {{ dbt.type_float() }}) as running_score,
        'source_score' as mql_trigger,
        3 as rule_order
    from source_score_changes
    inner join version_persons
        on version_persons.person_key = source_score_changes.person_key
    where version_persons.is_fit
        and source_score_changes.new_score >= version_persons.source_score_threshold

),

triggers as (

    select
        candidates.person_key,
        candidates.definition_version,
        candidates.occurred_at,
        candidates.running_score,
        candidates.mql_trigger,
        row_number() over (partition by candidates.person_key order by candidates.occurred_at, candidates.rule_order) as trigger_rank
    from candidates
    inner join version_persons
        on version_persons.definition_version = candidates.definition_version
        and version_persons.person_key = candidates.person_key
    where cast({{ smarketing.utc_to_local('candidates.occurred_at', smarketing.sql_string(reporting_time_zone)) }} as date) >= version_persons.effective_from
        and (
            version_persons.effective_to is null
            or cast({{ smarketing.utc_to_local('candidates.occurred_at', smarketing.sql_string(reporting_time_zone)) }} as date) < version_persons.effective_to
        )

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
