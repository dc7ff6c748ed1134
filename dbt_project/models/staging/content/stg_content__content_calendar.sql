{#
    The content calendar: one row per content asset, the latest version (file order, then line)
    of each asset name compared case- and space-insensitively (content_match_key). The author's
    team is lower case (marketing, sales); helper lists stay as written, ';'-separated names.
#}

with

source as (

    select * from {{ source('content', 'content_calendar') }}

),

cleaned as (

    select
        {{ content_match_key('asset_name') }} as content_asset_key,
        trim(asset_name) as asset_name,
        nullif(trim(campaign_name), '') as campaign_name,
        {{ content_match_key('campaign_name') }} as campaign_key,
        trim(asset_type) as asset_type,
        nullif(trim(url), '') as url,
        published_date,
        trim(author) as author,
        lower(trim(author_team)) as author_team,
        nullif(trim(marketing_helpers), '') as marketing_helpers,
        nullif(trim(sales_helpers), '') as sales_helpers,
        _file_order,
        _source_line
    from source
    where {{ content_match_key('asset_name') }} is not null

),

versions as (

    select
        *,
        {{ latest_version_rank(['content_asset_key']) }} as version_rank
    from cleaned

),

final as (

    select
        content_asset_key,
        asset_name,
        campaign_name,
        campaign_key,
        asset_type,
        url,
        published_date,
        author,
        author_team,
        marketing_helpers,
        sales_helpers
    from versions
    where version_rank = 1

)

select * from final
