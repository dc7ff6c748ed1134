{#
    The attributes account funnel reports slice accounts by, unpivoted: one row per account and
    dimension (channel, original source, first-touch campaign, region, segment, industry), plus
    one row per account with dimension_name 'all' for the all-up total. An account without a
    value for a dimension has a row with a null dimension_value, so every dimension partitions
    every account. The account-grain twin of int_funnel_person_dimensions.
#}

{%- set dimensions = ['channel', 'original_source', 'first_touch_campaign', 'region', 'segment', 'industry'] %}

with

account_funnel as (

    select * from {{ ref('int_account_funnel') }}

),

final as (

    select
        account_key,
        cast('all' as {{ dbt.type_string() }}) as dimension_name,
        cast('all' as {{ dbt.type_string() }}) as dimension_value
    from account_funnel
    {%- for dimension in dimensions %}

    union all

    select
        account_key,
        cast('{{ dimension }}' as {{ dbt.type_string() }}) as dimension_name,
        cast({{ dimension }} as {{ dbt.type_string() }}) as dimension_value
    from account_funnel
    {%- endfor %}

)

select * from final
