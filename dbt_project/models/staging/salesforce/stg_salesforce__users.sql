with

source as (

    select * from {{ source('salesforce', 'user') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'user')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as user_id,
        Username as username,
        FirstName as first_name,
        LastName as last_name,
        nullif(trim({{ dbt.concat(["coalesce(FirstName, '')", "' '", "coalesce(LastName, '')"]) }}), '') as full_name,
        {{ normalise_email('Email') }} as email,
        Title as job_title,
        Department as department,
        {{ clean_id('UserRoleId') }} as user_role_id,
        TimeZoneSidKey as time_zone,
        IsActive as is_active,
        CreatedDate as created_at,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
