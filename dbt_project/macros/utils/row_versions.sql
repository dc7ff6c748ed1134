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


{#
    One row per primary key: the record as it stands after every file delivered so far.

    Each column's value comes from the latest version (latest_version_rank) among the files that
    carried that column, as the loader recorded them in ingest.file_columns: a later export
    without a column (a HubSpot view with fewer properties, a narrower incremental extract) leaves
    the earlier value in place, while a file that carried the column with an empty cell does blank
    it. Key and lineage columns (_source_file, _source_line, _file_order, _load_id, _loaded_at)
    are those of the latest version. A file absent from ingest.file_columns (loaded by another
    tool, or before the table existed) counts as carrying every column.

    rows_cte: the CTE holding the raw rows (the model's import CTE); relation: the source it reads,
    for its columns and its (source, object) in ingest.file_columns. Rows without the leading key
    column have no identity and are left out.

        versions as (
            {{ latest_versions('source', source('hubspot', 'contacts'), ['hs_object_id'], 'lastmodifieddate') }}
        ),
#}
{% macro latest_versions(rows_cte, relation, primary_key, modified_column=none) -%}
    {%- set lineage = ['_source_file', '_source_line', '_file_order', '_load_id', '_loaded_at'] -%}
    {%- set keys = primary_key | map('lower') | list -%}
    {%- set ns = namespace(values=[], lineage=[]) -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if column.name | lower in lineage -%}
                {%- set ns.lineage = ns.lineage + [column.name] -%}
            {%- elif column.name | lower not in keys -%}
                {%- set ns.values = ns.values + [column.name] -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set file_columns = source('ingest', 'file_columns') -%}
    {%- set recorded = load_relation(file_columns) if execute else none -%}
    {%- set schema_literal = "'" ~ smarketing.escape_string_literal(relation.schema) ~ "'" -%}
    {%- set object_literal = "'" ~ smarketing.escape_string_literal(relation.identifier) ~ "'" -%}
    {%- set carries = [] -%}
    {%- for name in ns.values -%}
        {%- do carries.append('_carries_' ~ loop.index) -%}
    {%- endfor %}
    with

    {% if recorded is not none and ns.values -%}
    carried_by_file as (

        select
            file_order,
            {%- for name in ns.values %}
            {{ dbt.bool_or("lower(column_name) = '" ~ smarketing.escape_string_literal(name | lower) ~ "'") }} as {{ carries[loop.index0] }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ file_columns }}
        where {{ dbt.concat(["'raw_'", 'source']) }} = {{ schema_literal }}
            and object = {{ object_literal }}
        group by file_order

    ),

    {% endif -%}
    ranked_versions as (

        select
            {%- for name in ns.values %}
            {% if recorded is not none -%}
            coalesce(carried_by_file.{{ carries[loop.index0] }}, true)
            {%- else -%}
            true
            {%- endif %} as {{ carries[loop.index0] }},
            {%- endfor %}
            versions_.*
        from (
            select
                *,
                {{ adapter.dispatch('latest_version_order', 'smarketing')(primary_key, modified_column) }} as _version_rank
            from {{ rows_cte }}
            where {{ primary_key[0] }} is not null
        ) as versions_
        {%- if recorded is not none and ns.values %}
        left join carried_by_file
            on carried_by_file.file_order = versions_._file_order
        {%- endif %}

    )

    {{ adapter.dispatch('latest_carried_values', 'smarketing')(primary_key, ns.values, carries, ns.lineage) }}
{%- endmacro %}


{#
    latest_versions' _version_rank: smaller is later, the version in force is the smallest of its
    key. Everywhere: latest_version_rank (1 marks the version in force), a window over every row.
#}
{% macro default__latest_version_order(primary_key, modified_column) -%}
    {{ smarketing.latest_version_rank(primary_key, modified_column) }}
{%- endmacro %}

{#
    DuckDB: the same order as one number per row, no window (duckdb__latest_carried_values picks by
    it in its one grouping pass): the modified instant (microseconds; a null one oldest) in the high
    64 bits, then the file (2^24 files) and the line in it (2^40 lines), negated so the latest is
    the smallest.
#}
{% macro duckdb__latest_version_order(primary_key, modified_column) -%}
    -(
        {%- if modified_column %}
        cast(coalesce(epoch_us({{ modified_column }}), -4611686018427387904) as hugeint) * 18446744073709551616 +
        {%- endif %}
        cast(coalesce(_file_order, -1) + 1 as hugeint) * 1099511627776
        + (coalesce(_source_line, -1) + 1)
    )
{%- endmacro %}


{#
    The final select of latest_versions over ranked_versions: per key, each value column from the
    best-ranked row whose file carried it, the lineage of the best-ranked row.
#}
{% macro default__latest_carried_values(primary_key, values, carries, lineage) -%}
    {%- set picked = [] -%}
    {%- set kept = primary_key + lineage -%}
    {%- for name in values -%}
        {%- set column = smarketing.quoted_identifier(name) -%}
        {%- do kept.append(column) -%}
        {%- do picked.append(
            'first_value(' ~ column ~ ') over (partition by ' ~ primary_key | join(', ')
            ~ ' order by case when ' ~ carries[loop.index0] ~ ' then 0 else 1 end, _version_rank) as ' ~ column) -%}
    {%- endfor %}
    select
        {{ kept | join(',\n        ') }}
    from (
        select
            {{ (picked + primary_key + lineage + ['_version_rank']) | join(',\n            ') }}
        from ranked_versions
    ) as picked
    where _version_rank = 1
{%- endmacro %}

{# DuckDB: one grouping pass; arg_min_null keeps a NULL value (a real blank) and skips NULL ranks. #}
{% macro duckdb__latest_carried_values(primary_key, values, carries, lineage) -%}
    {%- set picked = [] -%}
    {%- for name in values -%}
        {%- set column = smarketing.quoted_identifier(name) -%}
        {%- do picked.append(
            'arg_min_null(' ~ column ~ ', case when ' ~ carries[loop.index0] ~ ' then _version_rank end) as ' ~ column) -%}
    {%- endfor %}
    {%- for name in lineage -%}
        {%- do picked.append('arg_min_null(' ~ name ~ ', _version_rank) as ' ~ name) -%}
    {%- endfor %}
    select
        {{ (primary_key + picked) | join(',\n        ') }}
    from ranked_versions
    group by {{ primary_key | join(', ') }}
{%- endmacro %}


{# An identifier from untrusted input (a custom column named after a header label), quoted. #}
{% macro quoted_identifier(name) -%}
    {{ return(adapter.dispatch('quoted_identifier', 'smarketing')(name)) }}
{%- endmacro %}

{% macro default__quoted_identifier(name) -%}
    {{ return('"' ~ (name | replace('"', '""')) ~ '"') }}
{%- endmacro %}

{% macro spark__quoted_identifier(name) -%}
    {{ return('`' ~ (name | replace('`', '``')) ~ '`') }}
{%- endmacro %}

{% macro bigquery__quoted_identifier(name) -%}
    {{ return('`' ~ (name | replace('\\', '\\\\') | replace('`', '\\`')) ~ '`') }}
{%- endmacro %}


{#
    A raw table's record identity, from its export contract (ingest/contracts.py) as generated
    into the source's `meta: contract:` (_<source>__sources.yml): primary_key (list),
    modified_column and deleted_column (none when the export has none). `relation` is the
    source() relation; its source node is found in the graph by schema and table. Parsing renders
    models without the graph, so it sees a stand-in key then; execution reads the real one.
#}
{% macro source_contract(relation) -%}
    {%- if not execute -%}
        {{ return({'primary_key': ['_source_line'], 'modified_column': none, 'deleted_column': none}) }}
    {%- endif -%}
    {%- set ns = namespace(contract=none) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.schema | lower == relation.schema | lower and (node.identifier or node.name) | lower == relation.identifier | lower -%}
            {%- set meta = (node.config.meta if node.config and node.config.meta else node.meta) or {} -%}
            {%- set ns.contract = meta.get('contract') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not ns.contract or not ns.contract.get('primary_key') -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ relation ~ " has no `meta: contract:` with a primary_key: write it from "
            ~ "ingest/contracts.py by running `smarketing prepare`") }}
    {%- endif -%}
    {{ return(ns.contract) }}
{%- endmacro %}


{#
    The records of a raw table as they stand: the latest version of each (latest_versions, by the
    contract's primary key and modified column), records whose latest version is deleted (the
    contract's deleted column) dropped. Every staging model of a contracted table reads its rows
    through this, so the rule and the record identity are written once:

        versions as (
            {{ latest_source_versions('source', source('hubspot', 'contacts')) }}
        ),
#}
{% macro latest_source_versions(rows_cte, relation) -%}
    {%- set contract = smarketing.source_contract(relation) -%}
    {%- set latest = smarketing.latest_versions(
        rows_cte, relation, contract.get('primary_key'), contract.get('modified_column')) -%}
    {%- if contract.get('deleted_column') -%}
    select *
    from (
        {{ latest }}
    ) as latest_versions_
    where not coalesce({{ contract.get('deleted_column') }}, false)
    {%- else -%}
    {{ latest }}
    {%- endif -%}
{%- endmacro %}
