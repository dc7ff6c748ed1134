with

source as (

    select * from {{ source('salesforce', 'account') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'account')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as account_id,
        Name as account_name,
        Website as website,
        {{ normalise_domain('Website') }} as website_domain,
        Industry as industry,
        Type as account_type,
        BillingCountry as billing_country,
        NumberOfEmployees as number_of_employees,
        AnnualRevenue as annual_revenue,
        {{ clean_id('OwnerId') }} as owner_id,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
