with

source as (

    select * from {{ source('salesforce', 'opportunity_contact_role') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'opportunity_contact_role')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as opportunity_contact_role_id,
        {{ clean_id('OpportunityId') }} as opportunity_id,
        {{ clean_id('ContactId') }} as contact_id,
        Role as contact_role,
        coalesce(IsPrimary, false) as is_primary,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
