{#
    Rates of the plain rates file are only comparable when quoted against one base currency:
    returns one row per base currency when the file uses more than one.
#}

with

fx_rates as (

    select * from {{ ref('stg_spend__fx_rates') }}

),

bases as (

    select
        base_currency_code,
        count(*) as rates
    from fx_rates
    group by base_currency_code

)

select * from bases
where (select count(*) from bases) > 1
