{#
    BI-facing models hold no contact details: fails with one row per text column that has values
    looking like an email address or a phone number (macro looks_like_contact_detail). Columns of
    numeric identifiers (HubSpot ids are long digit strings) are named in except_columns.
    data_tests:
      - no_contact_details:
          arguments:
            except_columns: [opportunity_id]
#}
{% test no_contact_details(model, except_columns=[]) %}

{%- set text_columns = [] %}
{%- if execute %}
{%- for column in adapter.get_columns_in_relation(model) if column.is_string() and column.name | lower not in except_columns | map('lower') | list %}
{%- do text_columns.append(column.name) %}
{%- endfor %}
{%- endif %}

with

leaks as (

    {%- for column in text_columns %}

    select
        {{ smarketing.sql_string(column) }} as column_name,
        count(*) as offending_rows
    from {{ model }}
    where {{ smarketing.looks_like_contact_detail(column) }}
    having count(*) > 0

    union all
    {%- endfor %}

    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        0 as offending_rows
    where 1 = 0

)

select * from leaks

{% endtest %}
