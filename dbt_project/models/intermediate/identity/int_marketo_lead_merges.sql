{#
    Marketo lead merges (definitions/README.md, Identity): a "Merge Leads" activity is logged on
    the winning lead and lists the leads merged into it in its "Merge IDs" attribute. One row per
    merged lead id and merge activity; a lead listing itself is not merged away.
#}

with

merge_activities as (

    select
        activity_id,
        lead_id,
        occurred_at,
        merged_lead_ids
    from {{ ref('stg_marketo__activities') }}
    where is_lead_merge
        and merged_lead_ids is not null

),

merged_ids as (

    {{ smarketing.id_list_elements('merge_activities', 'activity_id', 'merged_lead_ids', separator=',') }}

),

final as (

    select
        merge_activities.activity_id,
        merge_activities.lead_id,
        merged_ids.element_id as merged_lead_id,
        merge_activities.occurred_at as merged_at
    from merge_activities
    inner join merged_ids
        on merged_ids.activity_id = merge_activities.activity_id
    where merged_ids.element_id <> merge_activities.lead_id

)

select * from final
