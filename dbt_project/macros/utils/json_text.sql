{#
    A top-level field of a JSON text column as text (null when the field is absent or the text is
    not JSON). `key` is a fixed field name written in the model, never user input.
#}
{% macro json_text_field(column, key) %}
    {{ return(adapter.dispatch('json_text_field', 'smarketing')(column, key)) }}
{% endmacro %}

{% macro default__json_text_field(column, key) -%}
    json_extract_string(try_cast({{ column }} as json), '$."{{ key }}"')
{%- endmacro %}

{% macro spark__json_text_field(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_text_field(column, key) -%}
    (case when {{ column }} is json then ({{ column }})::json ->> '{{ key }}' end)
{%- endmacro %}
