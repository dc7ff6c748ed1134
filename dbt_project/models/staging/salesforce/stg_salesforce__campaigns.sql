with

source as (

    select * from {{ source('salesforce', 'campaign') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'campaign')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as campaign_id,
        Name as campaign_name,
        Type as campaign_type,
        Status as campaign_status,
        StartDate as start_date,
        EndDate as end_date,
        BudgetedCost as budgeted_cost,
        ActualCost as actual_cost,
        {{ clean_id('ParentId') }} as parent_campaign_id,
        IsActive as is_active,
        CurrencyIsoCode as currency_code,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
