with

source as (

    select * from {{ source('spend', 'fx_rates') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['valid_from', 'upper(trim(base_currency))', 'upper(trim(currency))']) }} as version_rank
    from source
    where valid_from is not null

),

renamed as (

    select
        valid_from as valid_from,
        upper(trim(base_currency)) as base_currency_code,
        upper(trim(currency)) as currency_code,
        rate as rate
    from versions
    where version_rank = 1

)

select * from renamed
