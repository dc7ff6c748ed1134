{#
    The attributes funnel reports slice people by, unpivoted: one row per person and dimension
    (channel, original source, first-touch campaign, region, segment, owner), plus one row per
    person with dimension_name 'all' for the all-up total. A person without a value for a
    dimension has a row with a null dimension_value, so every dimension partitions everyone.
#}

{%- set dimensions = ['channel', 'original_source', 'first_touch_campaign', 'region', 'segment', 'owner'] %}

with

persons as (

    select * from {{ ref('int_persons_unified') }}

),

final as (

    select
        person_key,
        cast('all' as {{ dbt.type_string() }}) as dimension_name,
        cast('all' as {{ dbt.type_string() }}) as dimension_value
    from persons
    {%- for dimension in dimensions %}

    union all

    select
        person_key,
        cast('{{ dimension }}' as {{ dbt.type_string() }}) as dimension_name,
        cast({{ dimension }} as {{ dbt.type_string() }}) as dimension_value
    from persons
    {%- endfor %}

)

select * from final
