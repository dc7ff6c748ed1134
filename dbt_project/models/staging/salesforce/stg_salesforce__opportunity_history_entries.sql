with

source as (

    select * from {{ source('salesforce', 'opportunity_history') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'opportunity_history')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as opportunity_history_id,
        {{ clean_id('OpportunityId') }} as opportunity_id,
        StageName as stage_name,
        Amount as amount,
        CloseDate as close_date,
        Probability as probability,
        ForecastCategory as forecast_category,
        {{ clean_id('CreatedById') }} as created_by_id,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
