{#
    Marketo's own history of its Lead Status field: the "Change Data Value" activities whose changed
    field (the primary attribute, its display name) is Lead Status, with the values before and after.
    Marketo syncs this field with Salesforce's lead Status, so synced changes carry the same values.
#}

with

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}

),

final as (

    select
        activity_id,
        lead_id,
        occurred_at as changed_at,
        old_field_value as old_status,
        new_field_value as new_status,
        {{ smarketing.json_text_field('attributes', 'Reason') }} as change_reason,
        {{ smarketing.json_text_field('attributes', 'Source') }} as change_source
    from marketo_activities
    where is_data_value_change
        and primary_attribute_value = 'Lead Status'
        and new_field_value is not null

)

select * from final
