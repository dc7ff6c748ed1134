{#
    MQL re-entries after recycles (definitions/README.md, Lifecycle events): a recycle at or after
    the person's governed MQL entry starts a new cycle; the person re-enters MQL at the first of
    (a) a hand-raiser event, (b) for people who fit, the first event instant at which the decayed
    engagement score counted from the recycle (events strictly after it, same-instant events
    together) reaches the threshold and (c) for people who fit, when the rule is on, a source score
    change reaching the source score threshold, before the next recycle (that instant included).
    Excluded people never re-enter. Rules of the version in force.
#}

with

stage_entries as (

    select * from {{ ref('int_funnel_stage_entries') }}

),

mql_entries as (

    select * from {{ ref('int_funnel_mql_entries') }}

),

rejections as (

    select * from {{ ref('int_lead_rejections') }}

),

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

source_score_changes as (

    select * from {{ ref('int_source_score_changes') }}

),

engagement_weights as (

    select * from {{ ref('int_definition_engagement_weights') }}

),

{%- set half_life_days = smarketing.definition_mql_half_life_sql() %}
{%- set source_score_threshold = smarketing.definition_mql_source_score_threshold_sql() %}

{%- set reentry_stage = smarketing.definition_setting('recycle.reentry_stage') %}

first_entries as (

    select
        stage_entries.person_key,
        stage_entries.entered_at
    from stage_entries
    inner join mql_entries
        on mql_entries.person_key = stage_entries.person_key
    where not mql_entries.is_excluded
        {%- for stage in smarketing.definition_stage_names() if stage == reentry_stage %}
        and stage_entries.stage_name = {{ smarketing.sql_string(stage) }}
        {%- else %}
        and 1 = 0
        {%- endfor %}

),

recycles as (

    select distinct
        rejections.person_key,
        rejections.rejected_at as recycled_at
    from rejections
    inner join first_entries
        on first_entries.person_key = rejections.person_key
    where rejections.rejection_type = 'recycle'
        and rejections.rejected_at >= first_entries.entered_at

),

cycles as (

    select
        recycles.person_key,
        recycles.recycled_at,
        lead(recycles.recycled_at) over (partition by recycles.person_key order by recycles.recycled_at) as next_recycled_at,
        mql_entries.is_fit
    from recycles
    inner join mql_entries
        on mql_entries.person_key = recycles.person_key

),

cycle_events as (

    select
        cycles.person_key,
        cycles.recycled_at,
        engagement_events.event_type,
        engagement_events.occurred_at
    from cycles
    inner join engagement_events
        on engagement_events.person_key = cycles.person_key
        and engagement_events.occurred_at > cycles.recycled_at
        and (cycles.next_recycled_at is null or engagement_events.occurred_at <= cycles.next_recycled_at)

),

instant_scores as (

    select
        cycle_events.person_key,
        cycle_events.recycled_at,
        cycle_events.occurred_at,
        sum(coalesce(engagement_weights.engagement_weight, 0)) as instant_score,
        max(case
            when {{ smarketing.sql_in('cycle_events.event_type', smarketing.definition_setting('mql.hand_raiser_event_types')) }}
                then 1 else 0
        end) as has_hand_raise
    from cycle_events
    left join engagement_weights
        on engagement_weights.event_type = cycle_events.event_type
    group by cycle_events.person_key, cycle_events.recycled_at, cycle_events.occurred_at

),

{{ smarketing.mql_running_score_ctes('unrounded_scores', 'instant_scores', ['person_key', 'recycled_at'], ['has_hand_raise'], half_life_days) }},

running_scores as (

    select
        person_key,
        recycled_at,
        occurred_at,
        has_hand_raise,
        {{ smarketing.mql_round_score('running_score') }} as running_score
    from unrounded_scores

),

cycle_source_scores as (

    select
        cycles.person_key,
        cycles.recycled_at,
        source_score_changes.changed_at as occurred_at
    from cycles
    inner join source_score_changes
        on source_score_changes.person_key = cycles.person_key
        and source_score_changes.changed_at > cycles.recycled_at
        and (cycles.next_recycled_at is null or source_score_changes.changed_at <= cycles.next_recycled_at)
    where cycles.is_fit
        {%- if source_score_threshold is none %}
        and 1 = 0
        {%- else %}
        and source_score_changes.new_score >= {{ source_score_threshold }}
        {%- endif %}

),

candidates as (

    select
        running_scores.person_key,
        running_scores.recycled_at,
        running_scores.occurred_at,
        running_scores.running_score,
        case
            when running_scores.has_hand_raise = 1 then 'hand_raiser'
            else 'engagement_score'
        end as reentry_rule,
        case when running_scores.has_hand_raise = 1 then 1 else 2 end as rule_order
    from running_scores
    inner join cycles
        on cycles.person_key = running_scores.person_key
        and cycles.recycled_at = running_scores.recycled_at
    where running_scores.has_hand_raise = 1
        or (
            cycles.is_fit
            and running_scores.running_score >= {{ smarketing.sql_number(smarketing.definition_setting('mql.score_threshold')) }}
        )

    union all

    select
        cycle_source_scores.person_key,
        cycle_source_scores.recycled_at,
        cycle_source_scores.occurred_at,
        coalesce(running_scores.running_score, 0) as running_score,
        'source_score' as reentry_rule,
        3 as rule_order
    from cycle_source_scores
    left join running_scores
        on running_scores.person_key = cycle_source_scores.person_key
        and running_scores.recycled_at = cycle_source_scores.recycled_at
        and running_scores.occurred_at = cycle_source_scores.occurred_at

),

triggers as (

    select
        person_key,
        recycled_at,
        occurred_at,
        running_score,
        reentry_rule,
        row_number() over (partition by person_key, recycled_at order by occurred_at, rule_order) as trigger_rank
    from candidates

),

final as (

    select
        person_key,
        cast(1 + row_number() over (partition by person_key order by occurred_at) as {{ dbt.type_int() }}) as entry_number,
        recycled_at,
        occurred_at as reentered_at,
        reentry_rule,
        running_score as score_since_recycle
    from triggers
    where trigger_rank = 1

)

select * from final
