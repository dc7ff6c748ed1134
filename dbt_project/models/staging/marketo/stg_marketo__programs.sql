with

source as (

    select * from {{ source('marketo', 'programs') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['id', 'costStartDate']) }} as version_rank
    from source
    where id is not null

),

renamed as (

    select
        {{ clean_id('id') }} as program_id,
        name as program_name,
        type as program_type,
        channel as program_channel,
        costStartDate as cost_start_date,
        cost as cost,
        costNote as cost_note,
        currency as currency_code,
        createdAt as created_at
    from versions
    where version_rank = 1

)

select * from renamed
