{#
    Custom schemas are used as-is (`staging`, `intermediate`, `marts`) instead of dbt's default
    `<target schema>_<custom schema>`, so every environment has the same, BI-stable names.

    The `published` target (profiles.yml) reads the published file, where the marts written and
    tested in the audit schema `marts_audit` are published as `marts` (orchestration/publish.py).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'published' and custom_schema_name | trim == 'marts_audit' -%}
        marts
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
