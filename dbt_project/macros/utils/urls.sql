{#
    Values inside URLs and JSON text, for touches: the UTM parameters of a landing page or clicked
    link, the attributes Marketo writes as JSON. Engine specific, hence dispatched. Each returns
    null when the value is absent or blank.

        url_query_parameter('page_url', 'utm_medium')           -- 'cpc' from ...?utm_medium=cpc&...
        json_text_value('attributes', 'Query Parameters')        -- a top-level JSON string member
#}
{% macro url_query_parameter(url, name) -%}
    {{ return(adapter.dispatch('url_query_parameter', 'smarketing')(url, name)) }}
{%- endmacro %}

{% macro default__url_query_parameter(url, name) -%}
    nullif(regexp_extract({{ url }}, '[?&]{{ name }}=([^&#]*)', 1), '')
{%- endmacro %}

{% macro postgres__url_query_parameter(url, name) -%}
    nullif(substring({{ url }} from '[?&]{{ name }}=([^&#]*)'), '')
{%- endmacro %}


{% macro json_text_value(json_text, key) -%}
    {{ return(adapter.dispatch('json_text_value', 'smarketing')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_text_value(json_text, key) -%}
    nullif(trim(json_extract_string({{ json_text }}, '$."{{ key }}"')), '')
{%- endmacro %}

{% macro postgres__json_text_value(json_text, key) -%}
    nullif(trim(cast({{ json_text }} as json) ->> '{{ key }}'), '')
{%- endmacro %}

{% macro spark__json_text_value(json_text, key) -%}
    nullif(trim(get_json_object({{ json_text }}, '$.{{ key }}')), '')
{%- endmacro %}
