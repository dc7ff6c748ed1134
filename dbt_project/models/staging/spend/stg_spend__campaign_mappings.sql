with

source as (

    select * from {{ source('spend', 'campaign_mapping') }}

),

versions as (

    {{ latest_source_versions('source', source('spend', 'campaign_mapping')) }}

),

renamed as (

    select
        platform as platform,
        ad_campaign as ad_campaign,
        {{ clean_id('crm_campaign_id') }} as crm_campaign_id,
        utm_campaign as utm_campaign,
        channel as channel
    from versions

)

select * from renamed
