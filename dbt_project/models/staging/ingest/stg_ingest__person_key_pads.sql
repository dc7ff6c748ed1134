with

source as (

    select * from {{ source('ingest', 'person_key_pads') }}

),

final as (

    select
        ipad,
        opad,
        key_id
    from source

)

select * from final
