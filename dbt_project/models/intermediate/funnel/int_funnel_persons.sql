{#
    The governed marketing + sales funnel per person: one row per person, when they entered each
    stage under the definitions version in force, why they became an MQL and an SQL, and the
    person's reporting attributes. fct_funnel publishes it; intermediate models that need a
    person's governed stage times or attributes read it here, so no intermediate model reads a mart.
#}

with

persons as (

    select * from {{ ref('int_persons_unified') }}

),

stage_entries as (

    select * from {{ ref('int_funnel_stage_entries') }}

),

definition_versions as (

    select * from {{ ref('int_definition_versions') }}

),

own_times as (

    select * from {{ ref('int_funnel_stage_own_times') }}

),

mql_entries as (

    select * from {{ ref('int_funnel_mql_entries') }}

),

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

engagement_weights as (

    select * from {{ ref('int_definition_engagement_weights') }}

),

mql_entries_then as (

    select * from {{ ref('int_funnel_mql_entries_as_defined_then') }}

),

reported_entries as (

    select * from {{ ref('int_funnel_reported_stage_entries') }}

),

reported_pivoted as (

    select
        person_key,
        {%- for stage in smarketing.definition_stage_names() %}
        min(case when stage_name = {{ smarketing.sql_string(stage) }} then reported_at end) as reported_{{ stage }}_at
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from reported_entries
    group by person_key

),

{%- set reporting_time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' %}

stages_pivoted as (

    select
        person_key,
        {%- for stage in smarketing.definition_stage_names() %}
        min(case when stage_name = {{ smarketing.sql_string(stage) }} then entered_at end) as became_{{ stage }}_at,
        max(case when stage_name = {{ smarketing.sql_string(stage) }} then case when is_backfilled then 1 else 0 end end) = 1 as is_{{ stage }}_backfilled
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from stage_entries
    group by person_key

),

version_in_force as (

    select definition_version
    from definition_versions
    where is_in_force

),

version_periods as (

    select
        definition_version,
        effective_from,
        lead(effective_from) over (order by effective_from) as effective_to
    from definition_versions

),

scores_at_mql as (

    select
        stages_pivoted.person_key,
        {{ smarketing.mql_round_score('sum(' ~ smarketing.mql_decayed_weight(
            'coalesce(engagement_weights.engagement_weight, 0)', 'engagement_events.occurred_at',
            'stages_pivoted.became_mql_at', smarketing.definition_mql_half_life_sql()) ~ ')') }} as mql_score
    from stages_pivoted
    inner join engagement_events
        on engagement_events.person_key = stages_pivoted.person_key
        and engagement_events.occurred_at <= stages_pivoted.became_mql_at
    left join engagement_weights
        on engagement_weights.event_type = engagement_events.event_type
    group by stages_pivoted.person_key

),

explanations as (

    select
        stages_pivoted.person_key,
        case
            when stages_pivoted.became_mql_at is null then null
            when stages_pivoted.is_mql_backfilled then 'backfilled'
            else mql_entries.mql_trigger
        end as mql_rule,
        case when stages_pivoted.became_mql_at is not null then coalesce(scores_at_mql.mql_score, 0) end as mql_score,
        mql_versions.definition_version as mql_definition_version,
        case
            when stages_pivoted.became_sql_at is null then null
            when stages_pivoted.is_sql_backfilled then 'backfilled'
            else own_times.sql_trigger
        end as sql_rule,
        sql_versions.definition_version as sql_definition_version
    from stages_pivoted
    left join mql_entries
        on mql_entries.person_key = stages_pivoted.person_key
    left join own_times
        on own_times.person_key = stages_pivoted.person_key
    left join scores_at_mql
        on scores_at_mql.person_key = stages_pivoted.person_key
    left join version_periods as mql_versions
        on mql_versions.effective_from <= cast({{ smarketing.utc_to_local('stages_pivoted.became_mql_at', smarketing.sql_string(reporting_time_zone)) }} as date)
        and (mql_versions.effective_to is null
            or cast({{ smarketing.utc_to_local('stages_pivoted.became_mql_at', smarketing.sql_string(reporting_time_zone)) }} as date) < mql_versions.effective_to)
    left join version_periods as sql_versions
        on sql_versions.effective_from <= cast({{ smarketing.utc_to_local('stages_pivoted.became_sql_at', smarketing.sql_string(reporting_time_zone)) }} as date)
        and (sql_versions.effective_to is null
            or cast({{ smarketing.utc_to_local('stages_pivoted.became_sql_at', smarketing.sql_string(reporting_time_zone)) }} as date) < sql_versions.effective_to)

),

final as (

    select
        persons.person_key,
        persons.original_source,
        persons.original_source_system,
        persons.channel,
        persons.first_touch_campaign,
        persons.country,
        persons.country_code,
        persons.region,
        persons.segment,
        persons.owner,
        persons.account_key,
        {%- for stage in smarketing.definition_stage_names() %}
        stages_pivoted.became_{{ stage }}_at,
        {%- endfor %}
        {%- for stage in smarketing.definition_stage_names() %}
        reported_pivoted.reported_{{ stage }}_at,
        {%- endfor %}
        {{ smarketing.earliest_of(['mql_entries_then.mql_own_at', 'stages_pivoted.became_sql_at']) }} as became_mql_at_as_defined_then,
        case
            when mql_entries_then.mql_own_at is not null
                and (stages_pivoted.became_sql_at is null or mql_entries_then.mql_own_at <= stages_pivoted.became_sql_at)
                then mql_entries_then.definition_version
        end as mql_definition_version_as_defined_then,
        explanations.mql_rule,
        explanations.mql_score,
        explanations.mql_definition_version,
        explanations.sql_rule,
        explanations.sql_definition_version,
        version_in_force.definition_version
    from persons
    left join stages_pivoted
        on stages_pivoted.person_key = persons.person_key
    left join explanations
        on explanations.person_key = persons.person_key
    left join reported_pivoted
        on reported_pivoted.person_key = persons.person_key
    left join mql_entries_then
        on mql_entries_then.person_key = persons.person_key
    cross join version_in_force

)

select * from final
