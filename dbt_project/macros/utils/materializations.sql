{#
    Tables and views on DuckDB, each replaced by one statement inside the node's transaction.

    dbt-duckdb's own `table` builds `<name>__dbt_tmp`, renames the old table to `<name>__dbt_backup`,
    renames the new one into place and drops the backup, each rename and drop a macro call that builds
    dbt's whole macro namespace again; its `view` does the same dance. DuckDB replaces a table or view
    atomically in a transaction (`create or replace`), so one statement does the same job: readers of
    the file see the old relation until the commit, the new one after. With about 110 models a run, the
    dance was a large part of a small run's dbt time (see README, Performance).

    Only what this project's models use is supported: SQL models, pre- and post-hooks. A model that
    enforces a contract, sets `sql_header`, `partitioned_by` or `sorted_by` is refused with a message,
    rather than built without them. Other engines keep their adapter's materializations.
#}

{% macro smarketing_refuse_unsupported_config(kind) %}
    {%- for setting in ['sql_header', 'partitioned_by', 'sorted_by'] -%}
        {%- if config.get(setting) is not none -%}
            {{ exceptions.raise_compiler_error(
                model.unique_id ~ ": `" ~ setting ~ "` is not supported by the project's " ~ kind
                ~ " materialization (macros/utils/materializations.sql)") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if config.get('contract').enforced -%}
        {{ exceptions.raise_compiler_error(
            model.unique_id ~ ": enforced contracts are not supported by the project's " ~ kind
            ~ " materialization (macros/utils/materializations.sql)") }}
    {%- endif -%}
{% endmacro %}


{% macro smarketing_replace_relation(kind) %}
    {%- do smarketing_refuse_unsupported_config(kind) -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type=kind) -%}
    {#- The model changed between table and view: the other kind goes first. -#}
    {%- set other_kind = existing_relation if existing_relation is not none and existing_relation.type != kind else none -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('main') -%}
        {%- if other_kind is not none -%}
            drop {{ 'view' if other_kind.is_view else 'table' }} if exists {{ other_kind }};
        {%- endif %}
        create or replace {{ kind }} {{ target_relation }} as (
            {{ compiled_code }}
        )
    {%- endcall %}
    {%- if other_kind is not none -%}
        {%- do adapter.cache_dropped(other_kind) -%}
    {%- endif -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmacro %}


{% materialization table, adapter='duckdb' %}
    {{ return(smarketing_replace_relation('table')) }}
{% endmaterialization %}


{% materialization view, adapter='duckdb' %}
    {{ return(smarketing_replace_relation('view')) }}
{% endmaterialization %}
