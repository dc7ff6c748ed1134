{#
    The earliest of several timestamp expressions, ignoring nulls (null only when all are null).
    Written out as case expressions because least() treats nulls differently across engines.
#}
{% macro earliest_of(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        {%- set first = expressions[0] -%}
        {%- set rest = smarketing.earliest_of(expressions[1:]) -%}
        case
            when {{ first }} is null then {{ rest }}
            when ({{ rest }}) is null then {{ first }}
            when {{ first }} <= {{ rest }} then {{ first }}
            else {{ rest }}
        end
    {%- endif -%}
{%- endmacro %}
