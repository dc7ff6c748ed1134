with

source as (

    select * from {{ source('salesforce', 'task') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'task')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as task_id,
        {{ clean_id('WhoId') }} as who_id,
        {{ clean_id('WhatId') }} as what_id,
        {{ clean_id('OwnerId') }} as owner_id,
        Subject as subject,
        Type as task_type,
        TaskSubtype as task_subtype,
        Status as task_status,
        ActivityDate as activity_date,
        CompletedDateTime as completed_at,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
