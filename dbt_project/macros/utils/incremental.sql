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


{#
    The import CTE of a staging model built incrementally from an event source (one row per record,
    replaced by key; delete+insert on the record's key): every raw row of the records that files
    loaded after the latest `_file_order` the table holds delivered, so latest_source_versions
    picks the version in force as a full build would. A full build reads every row. The record key
    is the contract's primary key (ingest/contracts.py, in the source's meta). Refused for a
    contract with a deleted column: a record whose latest version is deleted would stay in the table.

        source as (
            {{ smarketing.rows_of_records_delivered_since_last_build(source('hubspot', 'email_events')) }}
        ),
#}
{% macro rows_of_records_delivered_since_last_build(relation) -%}
    {%- set contract = smarketing.source_contract(relation) -%}
    {%- if contract.get('deleted_column') -%}
        {{ exceptions.raise_compiler_error(relation ~ " has a deleted column: its staging model cannot be incremental") }}
    {%- endif -%}
    {%- set record_key = contract.get('primary_key') | join(', ') -%}
    {%- set loaded_after = smarketing.incremental_high_water_mark('_file_order') -%}
    select * from {{ relation }}
    {%- if loaded_after is not none %}
    where ({{ record_key }}) in (
        select {{ record_key }}
        from {{ relation }}
        where _file_order > {{ loaded_after }}
    )
    {%- endif %}
{%- endmacro %}
