with

source as (

    select * from {{ source('marketo', 'leads') }}

),

versions as (

    {{ latest_source_versions('source', source('marketo', 'leads')) }}

),

renamed as (

    select
        {{ numeric_id('id') }} as lead_id,
        {{ normalise_email('email') }} as email,
        firstName as first_name,
        lastName as last_name,
        company as company_name,
        title as job_title,
        country as country,
        leadSource as lead_source,
        leadStatus as lead_status,
        leadScore as lead_score,
        {{ clean_id('sfdcLeadId') }} as salesforce_lead_id,
        {{ clean_id('sfdcContactId') }} as salesforce_contact_id,
        createdAt as created_at,
        updatedAt as updated_at
    from versions

)

select * from renamed
