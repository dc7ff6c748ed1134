{#
    A model's required columns, each declared once with dbt's own not_null constraint, checked
    together in one scan of the model:
        data_tests:
          - not_null_columns
        columns:
          - name: person_key
            constraints:
              - type: not_null
    Fails with one row per declared column that holds nulls, and how many rows. dbt itself enforces
    constraints in the database only for a table with an enforced contract; this test checks them
    on every model, views included, and fails to compile when the model declares none.
#}
{% test not_null_columns(model) %}

{%- set required = [] %}
{%- if execute %}
{%- set tested = [] %}
{%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.schema | lower == model.schema | lower
        and (node.alias or node.name) | lower == model.identifier | lower %}
{%- do tested.append(node) %}
{%- endfor %}
{%- if tested | length != 1 %}
{{ exceptions.raise_compiler_error("not_null_columns: no single dbt model is stored as " ~ model) }}
{%- endif %}
{%- for column in tested[0].columns.values()
        if column.constraints | selectattr('type', 'equalto', 'not_null') | list %}
{%- do required.append(column.name) %}
{%- endfor %}
{%- if not required %}
{{ exceptions.raise_compiler_error("not_null_columns on " ~ tested[0].name ~ ": no column declares a not_null constraint") }}
{%- endif %}
{%- endif %}

with

null_counts as (

    select
        {%- for column in required %}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

)

{%- for column in required %}

select
    {{ smarketing.sql_string(column) }} as column_name,
    null_rows_{{ loop.index }} as null_rows
from null_counts
where null_rows_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}

{% endtest %}
