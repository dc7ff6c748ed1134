{#
    Decimal places a mart keeps of a fraction it computes in floating point (an attribution weight, a
    median between two values): rounded there, the last bits a parallel sum or an interpolation leaves
    depend on nothing, so two builds of the same input hold the same rows.
#}
{% macro fraction_places() -%}
    {{ return(12) }}
{%- endmacro %}


{# ``expression`` rounded to fraction_places(). #}
{% macro round_fraction(expression) -%}
    round({{ expression }}, {{ smarketing.fraction_places() }})
{%- endmacro %}
