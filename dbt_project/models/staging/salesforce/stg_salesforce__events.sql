with

source as (

    select * from {{ source('salesforce', 'event') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'event')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as event_id,
        {{ clean_id('WhoId') }} as who_id,
        {{ clean_id('WhatId') }} as what_id,
        {{ clean_id('OwnerId') }} as owner_id,
        Subject as subject,
        Type as event_type,
        StartDateTime as started_at,
        EndDateTime as ended_at,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
