{#
    The governed marketing + sales funnel: one row per person, when they entered each stage
    under the definitions version in force. BI-facing: no emails, no phone numbers.
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

stages_pivoted as (

    select
        person_key,
        {%- for stage in smarketing.definition_stage_names() %}
        min(case when stage_name = {{ smarketing.sql_string(stage) }} then entered_at end) as became_{{ stage }}_at
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
        version_in_force.definition_version
    from persons
    left join stages_pivoted
        on stages_pivoted.person_key = persons.person_key
    cross join version_in_force

)

select * from final
