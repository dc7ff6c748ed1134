with

source as (

    select * from {{ source('salesforce', 'campaign_member') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'campaign_member')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as campaign_member_id,
        {{ clean_id('CampaignId') }} as campaign_id,
        {{ clean_id('LeadId') }} as lead_id,
        {{ clean_id('ContactId') }} as contact_id,
        Status as member_status,
        HasResponded as has_responded,
        FirstRespondedDate as first_responded_date,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
