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
