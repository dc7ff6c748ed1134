{#
    MQL re-entries after recycles (definitions/README.md, Lifecycle events): a recycle at or after
    the person's governed MQL entry starts a new cycle; the person re-enters MQL at the first of
    (a) a hand-raiser event and (b) the first instant the engagement score counted from the recycle
    (events strictly after it, same-instant events summed together) reaches the threshold, before
    the next recycle. Excluded people never re-enter. Rules of the version in force.
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

engagement_weights as (

    {{ smarketing.definition_engagement_weights() }}

),

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
        person_key,
        recycled_at,
        lead(recycled_at) over (partition by person_key order by recycled_at) as next_recycled_at
    from recycles

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

running_scores as (

    select
        person_key,
        recycled_at,
        occurred_at,
        has_hand_raise,
        sum(instant_score) over (
            partition by person_key, recycled_at
            order by occurred_at
            rows between unbounded preceding and current row
        ) as running_score
    from instant_scores

),

triggers as (

    select
        person_key,
        recycled_at,
        occurred_at,
        running_score,
        case
            when has_hand_raise = 1 then 'hand_raiser'
            else 'engagement_score'
        end as reentry_rule,
        row_number() over (partition by person_key, recycled_at order by occurred_at) as trigger_rank
    from running_scores
    where has_hand_raise = 1
        or running_score >= {{ smarketing.sql_number(smarketing.definition_setting('mql.score_threshold')) }}

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
