{#
    Raw tables keep every version of every row from every file. The version of a record in force
    is the one with the latest modified timestamp (the contract's modified column; nulls count as
    oldest), then the latest file (_file_order), then the last line in that file (_source_line).
    Returns a row_number() expression: 1 marks the version in force.
#}
{% macro latest_version_rank(primary_key, modified_column=none) -%}
    row_number() over (
        partition by {{ primary_key | join(', ') }}
        order by
            {% if modified_column -%}
            {{ modified_column }} desc nulls last,
            {% endif -%}
            _file_order desc nulls last,
            _source_line desc nulls last
    )
{%- endmacro %}
