with

source as (

    select * from {{ source('hubspot', 'companies') }}

),

versions as (

    {{ latest_source_versions('source', source('hubspot', 'companies')) }}

),

renamed as (

    select
        {{ clean_id('hs_object_id') }} as company_id,
        name as company_name,
        domain as domain,
        {{ normalise_domain('domain') }} as company_domain,
        country as country,
        industry as industry,
        numberofemployees as number_of_employees,
        annualrevenue as annual_revenue,
        {{ clean_id('hubspot_owner_id') }} as owner_id,
        createdate as created_at,
        hs_lastmodifieddate as last_modified_at
    from versions

)

select * from renamed
