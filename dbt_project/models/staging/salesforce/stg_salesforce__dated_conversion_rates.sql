with

source as (

    select * from {{ source('salesforce', 'dated_conversion_rate') }}

),

versions as (

    {{ latest_source_versions('source', source('salesforce', 'dated_conversion_rate')) }}

),

renamed as (

    select
        {{ clean_id('Id') }} as dated_conversion_rate_id,
        upper(trim(IsoCode)) as currency_code,
        ConversionRate as conversion_rate,
        StartDate as start_date,
        NextStartDate as next_start_date,
        SystemModstamp as system_modified_at
    from versions

)

select * from renamed
