{#
    As reported vs as defined (definitions/README.md, As reported): per stage, how many people the
    source systems and the governed definition agree on, and how they disagree. Days are compared
    in the reporting time zone.
#}

with

funnel as (

    select * from {{ ref('fct_funnel') }}

),

stages as (

    select * from {{ ref('int_definition_stages') }}

),

{%- set reporting_time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' %}

reasons as (

    select 'agree' as reconciliation_reason, cast(1 as {{ dbt.type_int() }}) as reason_order
    union all
    select 'different_day', cast(2 as {{ dbt.type_int() }})
    union all
    select 'reported_only', cast(3 as {{ dbt.type_int() }})
    union all
    select 'defined_only', cast(4 as {{ dbt.type_int() }})

),

person_stages as (

    {%- for stage in smarketing.definition_stage_names() %}

    select
        person_key,
        {{ smarketing.sql_string(stage) }} as stage_name,
        became_{{ stage }}_at as defined_at,
        reported_{{ stage }}_at as reported_at
    from funnel
    where became_{{ stage }}_at is not null
        or reported_{{ stage }}_at is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

classified as (

    select
        person_key,
        stage_name,
        defined_at,
        reported_at,
        case
            when reported_at is null then 'defined_only'
            when defined_at is null then 'reported_only'
            when cast({{ smarketing.utc_to_local('reported_at', smarketing.sql_string(reporting_time_zone)) }} as date)
                = cast({{ smarketing.utc_to_local('defined_at', smarketing.sql_string(reporting_time_zone)) }} as date)
                then 'agree'
            else 'different_day'
        end as reconciliation_reason,
        {{ dbt.datediff('defined_at', 'reported_at', 'minute') }} as minutes_reported_after_defined
    from person_stages

),

counts as (

    select
        stage_name,
        reconciliation_reason,
        count(*) as people,
        sum(case when minutes_reported_after_defined < 0 then 1 else 0 end) as reported_earlier_people,
        sum(case when minutes_reported_after_defined > 0 then 1 else 0 end) as reported_later_people
    from classified
    group by stage_name, reconciliation_reason

),

stage_totals as (

    select
        stage_name,
        count(*) as stage_people
    from classified
    group by stage_name

),

final as (

    select
        stages.stage_name,
        stages.stage_order,
        reasons.reconciliation_reason,
        reasons.reason_order,
        coalesce(counts.people, 0) as people,
        coalesce(counts.reported_earlier_people, 0) as reported_earlier_people,
        coalesce(counts.reported_later_people, 0) as reported_later_people,
        case
            when coalesce(stage_totals.stage_people, 0) = 0 then null
            else round(cast(coalesce(counts.people, 0) as {{ dbt.type_numeric() }}) / stage_totals.stage_people, 4)
        end as share_of_stage
    from stages
    cross join reasons
    left join counts
        on counts.stage_name = stages.stage_name
        and counts.reconciliation_reason = reasons.reconciliation_reason
    left join stage_totals
        on stage_totals.stage_name = stages.stage_name

)

select * from final
