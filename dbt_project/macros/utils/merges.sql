{#
    Record merges followed to their last survivor (definitions/README.md, Identity), written as
    CTEs named `<prefix>_merge_hops_<n>` and `<prefix>_merge_survivors`, to be placed in a `with`
    list (the caller writes the comma after the last one):

        <prefix>_merge_survivors: merged_id, survivor_id, survivor_created_at

    `edges` is a relation of (merged_into_id, merged_id) pairs, one per id merged into another,
    without self-pairs. A survivor that was itself merged away later is followed to its own
    survivor, up to `max_hops` merges; a merged id whose last survivor in reach is not a record of
    `records` (keyed by `record_id_column`), or was merged away again (a cycle, a longer chain),
    gets no row: it stays the record it was.
#}
{% macro merge_survivor_ctes(prefix, edges, records, record_id_column, created_at_column, max_hops) -%}
{{ prefix }}_merge_hops_0 as (

    select
        merged_id,
        merged_into_id as survivor_id
    from {{ edges }}

),

{% for hop in range(1, max_hops) %}
{{ prefix }}_merge_hops_{{ hop }} as (

    select distinct
        hops.merged_id,
        coalesce(later.merged_into_id, hops.survivor_id) as survivor_id
    from {{ prefix }}_merge_hops_{{ hop - 1 }} as hops
    left join {{ edges }} as later
        on later.merged_id = hops.survivor_id
        and later.merged_into_id <> hops.merged_id

),

{% endfor %}
{{ prefix }}_merge_survivors as (

    select
        hops.merged_id,
        hops.survivor_id,
        survivors.{{ created_at_column }} as survivor_created_at
    from {{ prefix }}_merge_hops_{{ max_hops - 1 }} as hops
    inner join {{ records }} as survivors
        on survivors.{{ record_id_column }} = hops.survivor_id
    where hops.survivor_id not in (select merged_id from {{ edges }})

)
{%- endmacro %}
