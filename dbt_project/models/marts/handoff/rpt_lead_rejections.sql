{#
    Lead-quality feedback from sales: how many leads sales disqualified or recycled, and why, by
    channel and original source, first-touch campaign and region, with each reason's share of the
    rejections of its type in the same slice and overall.
#}

with

rejections as (

    select * from {{ ref('int_lead_rejections') }}

),

counted as (

    select
        rejection_type,
        rejection_reason,
        channel,
        original_source,
        first_touch_campaign,
        region,
        count(*) as rejection_count,
        count(distinct lead_id) as lead_count
    from rejections
    group by
        rejection_type,
        rejection_reason,
        channel,
        original_source,
        first_touch_campaign,
        region

),

final as (

    select
        rejection_type,
        rejection_reason,
        channel,
        original_source,
        first_touch_campaign,
        region,
        rejection_count,
        lead_count,
        round(
            rejection_count * 1.0 / sum(rejection_count) over (
                partition by rejection_type, channel, original_source, first_touch_campaign, region
            ),
            4
        ) as share_of_slice,
        round(rejection_count * 1.0 / sum(rejection_count) over (partition by rejection_type), 4) as share_of_type
    from counted

)

select * from final
