{#
    Survivorship: for each `partition_by`, the columns of the row that comes first in `order_by`
    among rows where `value_column` is not null. Columns may be aliased ('x as y'). Rows that tie
    on `order_by` are ordered by the selected columns themselves, so the result is the same on
    every run (two records of one person edited at the same second, for example). Renders a
    select for use as a CTE:

        original_sources as (
            {{ first_by('candidates', 'person_key', ['original_source', 'source_system as original_source_system'],
                        'original_source', 'record_created_at, crm_priority') }}
        )
#}
{% macro first_by(relation, partition_by, columns, value_column, order_by) -%}
    {%- set output_names = [] -%}
    {%- set tie_breakers = [] -%}
    {%- for column in columns -%}
        {%- do output_names.append(column.split(' as ')[-1] | trim) -%}
        {%- do tie_breakers.append((column.split(' as ')[0] | trim) ~ ' nulls last') -%}
    {%- endfor -%}
    select
        {{ partition_by }},
        {{ output_names | join(', ') }}
    from (
        select
            {{ partition_by }},
            {{ columns | join(', ') }},
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by }}, {{ tie_breakers | join(', ') }}
            ) as first_rank
        from {{ relation }}
        where {{ value_column }} is not null
    ) as ranked
    where first_rank = 1
{%- endmacro %}


{#
    Aggregate: `value` of the group's row that comes first when the rows are ordered by the
    expressions of `order_by` (a list, each ascending; negate a number for descending). One pass of
    the grouping instead of a row_number() window over every row; the order must be total (end
    with a key unique in the group) for the pick to be the same on every run.
#}
{% macro first_in_order(value, order_by) -%}
    {{ return(adapter.dispatch('first_in_order', 'smarketing')(value, order_by)) }}
{%- endmacro %}

{% macro default__first_in_order(value, order_by) -%}
    min_by({{ value }}, struct({{ order_by | join(', ') }}))
{%- endmacro %}

{% macro duckdb__first_in_order(value, order_by) -%}
    arg_min({{ value }}, row({{ order_by | join(', ') }}))
{%- endmacro %}
