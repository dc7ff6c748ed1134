{#
    Every marketing and sales touch, one row per touch, per person and account
    (definitions/README.md, Touches). BI-facing: no emails, no phone numbers.
#}

with

touches as (

    select * from {{ ref('int_touches_unified') }}

),

final as (

    select
        touch_id,
        touch_at,
        touch_type,
        team,
        channel,
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_member_status,
        content_asset,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        person_key,
        account_key,
        source_system,
        source_object,
        source_record_id
    from touches

)

select * from final
