with

source as (

    select * from {{ source('salesforce', 'lead_history') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'lead_history')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as lead_history_id,
        {{ clean_id('LeadId') }} as lead_id,
        Field as field_name,
        coalesce(Field = 'Status', false) as is_status_change,
        DataType as data_type,
        OldValue as old_value,
        NewValue as new_value,
        {{ clean_id('CreatedById') }} as created_by_id,
        CreatedDate as created_at
    from versions

)

select * from renamed
