{#
    Salesforce dated exchange rates: units of each currency per unit of the corporate currency,
    in force from valid_from until (not including) valid_to.
#}

with

dated_conversion_rates as (

    select * from {{ ref('stg_salesforce__dated_conversion_rates') }}

),

final as (

    select
        dated_conversion_rate_id,
        currency_code,
        conversion_rate,
        start_date as valid_from,
        next_start_date as valid_to
    from dated_conversion_rates
    where conversion_rate > 0

)

select * from final
