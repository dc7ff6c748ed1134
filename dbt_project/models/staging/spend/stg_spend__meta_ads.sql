with

source as (

    select * from {{ source('spend', 'meta_ads') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['day', 'campaign_id']) }} as version_rank
    from source
    where day is not null

),

renamed as (

    select
        day as spend_date,
        campaign_name as campaign_name,
        {{ clean_id('campaign_id') }} as campaign_id,
        currency as currency_code,
        amount_spent as cost,
        clicks as clicks,
        impressions as impressions
    from versions
    where version_rank = 1

)

select * from renamed
