with

source as (

    select * from {{ source('spend', 'linkedin_ads') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['start_date', 'campaign_id']) }} as version_rank
    from source
    where start_date is not null

),

renamed as (

    select
        start_date as spend_date,
        campaign_name as campaign_name,
        {{ clean_id('campaign_id') }} as campaign_id,
        currency as currency_code,
        total_spent as cost,
        clicks as clicks,
        impressions as impressions
    from versions
    where version_rank = 1

)

select * from renamed
