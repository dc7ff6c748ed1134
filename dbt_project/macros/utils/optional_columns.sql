{#
    A column the export may or may not carry (custom fields such as Disqualification_Reason__c
    are kept by the loader as text when present): the column, trimmed and null when blank, when
    the relation has it (any case); else a typed null. Needs the relation to exist, so it reads
    the columns only at execution.

        {{ optional_text_column(source('salesforce', 'lead'), 'Disqualification_Reason__c') }} as disqualification_reason
#}
{% macro optional_text_column(relation, column_name) -%}
    {%- set ns = namespace(found=none) -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if ns.found is none and column.name | lower == column_name | lower -%}
                {%- set ns.found = column.name -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if ns.found is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {{ clean_id(adapter.quote(ns.found)) }}
    {%- endif -%}
{%- endmacro %}
