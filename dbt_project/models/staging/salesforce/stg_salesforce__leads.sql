with

source as (

    select * from {{ source('salesforce', 'lead') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'lead')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as lead_id,
        FirstName as first_name,
        LastName as last_name,
        {{ normalise_email('Email') }} as email,
        Phone as phone,
        Company as company_name,
        Title as job_title,
        Country as country,
        Industry as industry,
        NumberOfEmployees as number_of_employees,
        LeadSource as lead_source,
        Status as lead_status,
        Rating as rating,
        {{ clean_id('OwnerId') }} as owner_id,
        IsConverted as is_converted,
        ConvertedDate as converted_date,
        {{ clean_id('ConvertedContactId') }} as converted_contact_id,
        {{ clean_id('ConvertedAccountId') }} as converted_account_id,
        {{ clean_id('ConvertedOpportunityId') }} as converted_opportunity_id,
        {{ optional_text_column(source('salesforce', 'lead'), 'Disqualification_Reason__c') }} as disqualification_reason,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
