{#
    Touches of the content calendar's assets: one row per touch and asset it names. A touch names
    an asset when its content asset (form name, marketing email name, Marketo asset) is the
    asset's name, or its campaign name is the asset's campaign, both compared as
    content_match_key. Two equi-joins, one per name, unioned and made distinct: a touch that
    names an asset both ways counts once.
#}

with

touches as (

    select * from {{ ref('int_touches_unified') }}

),

calendar as (

    select * from {{ ref('stg_content__content_calendar') }}

),

touch_names as (

    select
        touch_id,
        {{ content_match_key('content_asset') }} as match_key
    from touches
    where content_asset is not null

    union all

    select
        touch_id,
        {{ content_match_key('campaign_name') }} as match_key
    from touches
    where campaign_name is not null

),

asset_names as (

    select content_asset_key, content_asset_key as match_key
    from calendar

    union all

    select content_asset_key, campaign_key as match_key
    from calendar
    where campaign_key is not null

),

matched as (

    select distinct
        touch_names.touch_id,
        asset_names.content_asset_key
    from touch_names
    inner join asset_names
        on asset_names.match_key = touch_names.match_key

),

final as (

    select
        matched.content_asset_key,
        touches.touch_id,
        touches.person_key,
        touches.touch_at,
        {{ smarketing.reporting_month('touches.touch_at') }} as touch_month
    from matched
    inner join touches
        on touches.touch_id = matched.touch_id

)

select * from final
