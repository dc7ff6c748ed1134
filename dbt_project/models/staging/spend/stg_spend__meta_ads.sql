with

source as (

    select * from {{ source('spend', 'meta_ads') }}

),

versions as (

    {{ latest_source_versions('source', source('spend', 'meta_ads')) }}

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

)

select * from renamed
