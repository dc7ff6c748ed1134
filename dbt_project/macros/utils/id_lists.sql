{#
    Id-list columns (HubSpot association columns such as `associated_contact_ids`) hold several
    ids separated by ';'. `id_list_elements` turns them into rows:

        select <key_column> as <key_alias>, element_id, element_position
        from <relation>

    one row per non-blank element (trimmed), element_position counting from 1 in list order.
    Engine specific, hence dispatched.
#}
{% macro id_list_elements(relation, key_column, list_column, key_alias=none, separator=';') -%}
    {{ return(adapter.dispatch('id_list_elements', 'smarketing')(relation, key_column, list_column, key_alias or key_column, separator)) }}
{%- endmacro %}


{% macro default__id_list_elements(relation, key_column, list_column, key_alias, separator) -%}
    {# PostgreSQL and engines with unnest ... with ordinality #}
    select
        {{ key_column }} as {{ key_alias }},
        trim(elements.element_id) as element_id,
        cast(elements.element_position as {{ dbt.type_int() }}) as element_position
    from {{ relation }}
    cross join lateral unnest(string_to_array({{ list_column }}, {{ smarketing.sql_string(separator) }}))
        with ordinality as elements (element_id, element_position)
    where {{ list_column }} is not null
        and trim(elements.element_id) <> ''
{%- endmacro %}


{% macro duckdb__id_list_elements(relation, key_column, list_column, key_alias, separator) -%}
    select
        {{ key_alias }},
        trim(element_id) as element_id,
        cast(element_position as {{ dbt.type_int() }}) as element_position
    from (
        select
            {{ key_column }} as {{ key_alias }},
            unnest(string_split({{ list_column }}, {{ smarketing.sql_string(separator) }})) as element_id,
            unnest(range(1, len(string_split({{ list_column }}, {{ smarketing.sql_string(separator) }})) + 1)) as element_position
        from {{ relation }}
        where {{ list_column }} is not null
    ) as elements
    where trim(element_id) <> ''
{%- endmacro %}


{% macro spark__id_list_elements(relation, key_column, list_column, key_alias, separator) -%}
    select
        {{ key_alias }},
        trim(element_id) as element_id,
        cast(element_position + 1 as {{ dbt.type_int() }}) as element_position
    from (
        select
            {{ key_column }} as {{ key_alias }},
            posexplode(split({{ list_column }}, {{ smarketing.sql_string(separator) }})) as (element_position, element_id)
        from {{ relation }}
        where {{ list_column }} is not null
    ) as elements
    where trim(element_id) <> ''
{%- endmacro %}
