with

source as (

    select * from {{ source('spend', 'google_ads') }}

),

versions as (

    {{ latest_source_versions('source', source('spend', 'google_ads')) }}

),

renamed as (

    select
        day as spend_date,
        campaign as campaign_name,
        {{ clean_id('campaign_id') }} as campaign_id,
        currency as currency_code,
        cost as cost,
        clicks as clicks,
        impressions as impressions
    from versions

)

select * from renamed
