{#
    Marts are BI-facing: no text column of a mart may hold an email address. Returns one row per
    offending mart column.
#}

{%- set marts = [ref('fct_funnel'), ref('fct_opportunities')] %}

with

{%- for mart in marts %}

{{ mart.identifier }}_leaks as (

    {%- set text_columns = [] %}
    {%- if execute %}
    {%- for column in adapter.get_columns_in_relation(mart) if column.is_string() %}
    {%- do text_columns.append(column.name) %}
    {%- endfor %}
    {%- endif %}

    {%- for column in text_columns %}
    select
        {{ smarketing.sql_string(mart.identifier) }} as mart,
        {{ smarketing.sql_string(column) }} as column_name,
        count(*) as rows_with_email
    from {{ mart }}
    where {{ column }} like '%@%.%'
    having count(*) > 0

    union all
    {%- endfor %}

    select
        cast(null as {{ dbt.type_string() }}) as mart,
        cast(null as {{ dbt.type_string() }}) as column_name,
        0 as rows_with_email
    where 1 = 0

){% if not loop.last %},{% endif %}
{%- endfor %}

{%- for mart in marts %}

select * from {{ mart.identifier }}_leaks
{%- if not loop.last %}

union all
{%- endif %}
{%- endfor %}
