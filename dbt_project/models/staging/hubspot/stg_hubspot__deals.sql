with

source as (

    select * from {{ source('hubspot', 'deals') }}

),

versions as (

    {{ latest_source_versions('source', source('hubspot', 'deals')) }}

),

renamed as (

    select
        {{ clean_id('hs_object_id') }} as deal_id,
        dealname as deal_name,
        pipeline as pipeline,
        dealstage as deal_stage,
        amount as amount,
        deal_currency_code as currency_code,
        closedate as close_at,
        createdate as created_at,
        hs_is_closed as hubspot_is_closed,
        hs_is_closed_won as hubspot_is_closed_won,
        {{ clean_id('hubspot_owner_id') }} as owner_id,
        {{ clean_id('associated_contact_ids') }} as associated_contact_ids,
        {{ clean_id('associated_company_ids') }} as associated_company_ids,
        hs_lastmodifieddate as last_modified_at
    from versions

)

select * from renamed
