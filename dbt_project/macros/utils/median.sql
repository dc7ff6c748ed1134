{#
    The continuous median of an expression, as an aggregate (nulls ignored): the middle value, or
    the mean of the two middle values. Engine specific, hence dispatched.

        {{ smarketing.median('days_to_convert') }}
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'smarketing')(expression)) }}
{%- endmacro %}


{# PostgreSQL, DuckDB, Redshift, Trino: the ordered-set aggregate. #}
{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}


{% macro snowflake__median(expression) -%}
    median({{ expression }})
{%- endmacro %}


{# Spark's exact percentile interpolates between the two middle values, as percentile_cont does. #}
{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
