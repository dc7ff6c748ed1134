{#
    The attribution model content impact credits won revenue under (definitions
    `reporting.content_attribution_model`), as an SQL string literal; none when the file names none.
#}
{% macro content_attribution_model() %}
    {%- set model = (smarketing.funnel_definitions().get('reporting') or {}).get('content_attribution_model') -%}
    {{ return(smarketing.sql_string(model) if model else none) }}
{% endmacro %}
