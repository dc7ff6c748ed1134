{#
    BI-facing models hold no contact details: fails with one row per text column that has values
    looking like an email address (x@y.z) or a phone number (min_phone_length (7) or more
    characters, only digits, spaces and + ( ) -). Columns of numeric identifiers (HubSpot ids are long digit strings) are named in
    except_columns.
    data_tests:
      - no_contact_details:
          arguments:
            except_columns: [opportunity_id]
#}
{% test no_contact_details(model, except_columns=[], min_phone_length=7) %}

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
    where {{ column }} like '%@%.%'
        or (
            length({{ column }}) >= {{ min_phone_length }}
            and translate({{ column }}, '0123456789 +()-', '') = ''
        )
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
