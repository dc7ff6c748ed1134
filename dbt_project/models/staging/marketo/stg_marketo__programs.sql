with

source as (

    select * from {{ source('marketo', 'programs') }}

),

versions as (

    {{ latest_source_versions('source', source('marketo', 'programs')) }}

),

renamed as (

    select
        {{ numeric_id('id') }} as program_id,
        name as program_name,
        type as program_type,
        channel as program_channel,
        costStartDate as cost_start_date,
        cost as cost,
        costNote as cost_note,
        currency as currency_code,
        createdAt as created_at
    from versions

)

select * from renamed
