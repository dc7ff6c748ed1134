with

source as (

    select * from {{ source('spend', 'campaign_mapping') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['platform', 'ad_campaign']) }} as version_rank
    from source
    where platform is not null

),

renamed as (

    select
        platform as platform,
        ad_campaign as ad_campaign,
        {{ clean_id('crm_campaign_id') }} as crm_campaign_id,
        utm_campaign as utm_campaign,
        channel as channel
    from versions
    where version_rank = 1

)

select * from renamed
