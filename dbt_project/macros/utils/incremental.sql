{#
    The highest `column` value in the table of the incremental model being built, for a predicate
    that picks up what arrived after it: none when the run builds the whole table (the first run,
    --full-refresh, an empty table). Read at execution time, so the predicate is a literal.

        {%- set loaded_after = smarketing.incremental_high_water_mark('_file_order') %}
#}
{% macro incremental_high_water_mark(column) -%}
    {%- if execute and is_incremental() -%}
        {%- set result = run_query('select max(' ~ column ~ ') from ' ~ this) -%}
        {{ return(result.columns[0].values()[0]) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
