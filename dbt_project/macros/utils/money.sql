{#
    round(numerator / denominator, scale), rounding half away from zero as decimal arithmetic
    does. Division yields a double on several engines (DuckDB among them), whose last bits can
    push an exact half-cent below the half; snapping the quotient to 9 decimals first and rounding
    that as a decimal keeps exact halves exact.
#}
{% macro round_quotient(numerator, denominator, scale=2) -%}
    round(
        cast(round(({{ numerator }}) / ({{ denominator }}), 9) as decimal(38, 9)),
        {{ scale }}
    )
{%- endmacro %}


{# A double-precision float type (dbt.type_float() is single precision on some engines, DuckDB among them). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'smarketing')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}
