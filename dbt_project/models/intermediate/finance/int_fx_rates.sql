{#
    Dated exchange rates from one source: the plain rates file (spend/fx_rates.csv) when it
    delivers any rate, else Salesforce DatedConversionRate. Two sources are never mixed, since
    each quotes its rates against its own base currency. Every rate is in units of the currency
    per one unit of the source's base, in force over [valid_from, valid_to).
#}

with

dated_conversion_rates as (

    select * from {{ ref('stg_salesforce__dated_conversion_rates') }}

),

file_rates as (

    select * from {{ ref('stg_spend__fx_rates') }}

),

salesforce as (

    select
        'salesforce:' || dated_conversion_rate_id as fx_rate_id,
        'salesforce_dated_conversion_rate' as rate_source,
        cast(null as {{ dbt.type_string() }}) as base_currency_code,
        currency_code,
        conversion_rate,
        start_date as valid_from,
        next_start_date as valid_to
    from dated_conversion_rates
    where conversion_rate > 0

),

file_quotes as (

    select
        base_currency_code,
        currency_code,
        rate as conversion_rate,
        valid_from,
        lead(valid_from) over (
            partition by base_currency_code, currency_code
            order by valid_from
        ) as valid_to
    from file_rates
    where rate > 0
        and currency_code <> base_currency_code

),

file_bases as (

    select
        base_currency_code,
        base_currency_code as currency_code,
        cast(1 as {{ dbt.type_numeric() }}) as conversion_rate,
        min(valid_from) as valid_from,
        cast(null as date) as valid_to
    from file_rates
    group by base_currency_code

),

file_all as (

    select * from file_quotes

    union all

    select * from file_bases

),

from_file as (

    select
        'fx_rates_file:' || base_currency_code || ':' || currency_code || ':'
            || cast(valid_from as {{ dbt.type_string() }}) as fx_rate_id,
        'fx_rates_file' as rate_source,
        base_currency_code,
        currency_code,
        conversion_rate,
        valid_from,
        valid_to
    from file_all

),

final as (

    select * from from_file

    union all

    select * from salesforce
    where not exists (select 1 from from_file)

)

select * from final
