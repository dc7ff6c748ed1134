with

source as (

    select * from {{ source('salesforce', 'contact') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'contact')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as contact_id,
        {{ clean_id('AccountId') }} as account_id,
        FirstName as first_name,
        LastName as last_name,
        {{ normalise_email('Email') }} as email,
        Phone as phone,
        Title as job_title,
        MailingCountry as mailing_country,
        LeadSource as lead_source,
        {{ clean_id('OwnerId') }} as owner_id,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
