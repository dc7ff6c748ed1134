with

source as (

    select * from {{ source('salesforce', 'opportunity') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'opportunity')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as opportunity_id,
        {{ clean_id('AccountId') }} as account_id,
        Name as opportunity_name,
        StageName as stage_name,
        Amount as amount,
        CurrencyIsoCode as currency_code,
        Probability as probability,
        CloseDate as close_date,
        IsClosed as is_closed,
        IsWon as is_won,
        Type as opportunity_type,
        LeadSource as lead_source,
        {{ clean_id('CampaignId') }} as campaign_id,
        {{ clean_id('OwnerId') }} as owner_id,
        ForecastCategoryName as forecast_category_name,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
