{#
    MQL own entry time (definitions/README.md, Stage entry): for people whose email domain is not
    excluded (an excluded domain, or a domain matching an excluded pattern), the first of
      (a) the first event whose type is a hand-raiser type,
      (b) for people who fit, the first event instant at which the engagement score (event weights,
          decayed by the score's half-life, events at the same instant together) reaches the
          threshold; weights are non-negative, so the score only falls between events and the
          event instants are the only ones to check,
      (c) for people who fit, when the source score rule is on, the first source score change to a
          score reaching the source score threshold.
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

engagement_weights as (

    select * from {{ ref('int_definition_engagement_weights') }}

),

excluded_domains as (

    select * from {{ ref('int_definition_excluded_email_domains') }}

),

excluded_domain_patterns as (

    {{ smarketing.definition_excluded_email_domain_patterns() }}

),

{%- set half_life_days = smarketing.definition_mql_half_life_sql() %}
{%- set source_score_threshold = smarketing.definition_mql_source_score_threshold_sql() %}

domain_exclusions as (

    select
        persons.person_key,
        excluded_domains.exclusion_list
    from persons
    inner join excluded_domains
        on excluded_domains.email_domain = persons.email_domain

    union all

    select
        persons.person_key,
        excluded_domain_patterns.exclusion_list
    from persons
    inner join excluded_domain_patterns
        on lower(persons.email_domain) like excluded_domain_patterns.email_domain_pattern

),

person_exclusions as (

    select
        person_key,
        min(exclusion_list) as exclusion_list
    from domain_exclusions
    group by person_key

),

eligible_persons as (

    select
        persons.person_key,
        {{ smarketing.definition_mql_fit_predicate('persons.region') }} as is_fit
    from persons
    left join person_exclusions
        on person_exclusions.person_key = persons.person_key
    where person_exclusions.person_key is null

),

eligible_events as (

    select
        engagement_events.person_key,
        engagement_events.event_type,
        engagement_events.occurred_at
    from engagement_events
    inner join eligible_persons
        on eligible_persons.person_key = engagement_events.person_key

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

{{ smarketing.mql_running_score_ctes('scores', 'instant_scores', ['person_key'], half_life_days=half_life_days) }},

threshold_reached as (

    select
        scores.person_key,
        min(scores.occurred_at) as score_reached_at
    from scores
    inner join eligible_persons
        on eligible_persons.person_key = scores.person_key
    where eligible_persons.is_fit
        and {{ smarketing.mql_round_score('scores.running_score') }} >= {{ smarketing.sql_number(smarketing.definition_setting('mql.score_threshold')) }}
    group by scores.person_key

),

source_score_reached as (

    select
        source_score_changes.person_key,
        min(source_score_changes.changed_at) as source_score_reached_at
    from source_score_changes
    inner join eligible_persons
        on eligible_persons.person_key = source_score_changes.person_key
    where eligible_persons.is_fit
        {%- if source_score_threshold is none %}
        and 1 = 0
        {%- else %}
        and source_score_changes.new_score >= {{ source_score_threshold }}
        {%- endif %}
    group by source_score_changes.person_key

),

final as (

    select
        persons.person_key,
        person_exclusions.person_key is not null as is_excluded,
        person_exclusions.exclusion_list,
        coalesce(eligible_persons.is_fit, false) as is_fit,
        hand_raises.hand_raised_at,
        threshold_reached.score_reached_at,
        source_score_reached.source_score_reached_at,
        {{ smarketing.earliest_of([
            'hand_raises.hand_raised_at',
            'threshold_reached.score_reached_at',
            'source_score_reached.source_score_reached_at']) }} as mql_own_at,
        case
            when hand_raises.hand_raised_at is not null
                and (threshold_reached.score_reached_at is null or hand_raises.hand_raised_at <= threshold_reached.score_reached_at)
                and (source_score_reached.source_score_reached_at is null or hand_raises.hand_raised_at <= source_score_reached.source_score_reached_at)
                then 'hand_raiser'
            when threshold_reached.score_reached_at is not null
                and (source_score_reached.source_score_reached_at is null or threshold_reached.score_reached_at <= source_score_reached.source_score_reached_at)
                then 'engagement_score'
            when source_score_reached.source_score_reached_at is not null then 'source_score'
        end as mql_trigger
    from persons
    left join person_exclusions
        on person_exclusions.person_key = persons.person_key
    left join eligible_persons
        on eligible_persons.person_key = persons.person_key
    left join hand_raises
        on hand_raises.person_key = persons.person_key
    left join threshold_reached
        on threshold_reached.person_key = persons.person_key
    left join source_score_reached
        on source_score_reached.person_key = persons.person_key

)

select * from final
