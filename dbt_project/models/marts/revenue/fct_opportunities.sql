{#
    One row per non-deleted opportunity (Salesforce opportunities, HubSpot deals) with its person,
    account, governed closed_at, its creation and close day in the reporting time zone, and the
    amount in the reporting currency of the definitions file:
    amount * rate(reporting currency) / rate(currency), rates in force on the close date, rounded
    half up to cents; the amount itself when it is in the reporting currency or has no currency
    (a single-currency CRM records none); null when a rate is missing.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

opportunity_person_links as (

    select * from {{ ref('int_opportunity_person_links') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates') }}

),

opportunity_persons as (

    select
        source_system,
        opportunity_id,
        person_key
    from opportunity_person_links
    where person_rank = 1

),

opportunity_currencies as (

    select
        source_system,
        opportunity_id,
        close_date,
        upper(trim(currency)) as currency_code,
        {{ smarketing.reporting_currency_code() }} as reporting_currency_code
    from opportunities

),

rates_on_close_date as (

    select
        currencies.source_system,
        currencies.opportunity_id,
        fx_rates.currency_code,
        fx_rates.conversion_rate,
        row_number() over (
            partition by currencies.source_system, currencies.opportunity_id, fx_rates.currency_code
            order by fx_rates.valid_from desc
        ) as rate_rank
    from opportunity_currencies as currencies
    inner join fx_rates
        on fx_rates.valid_from <= currencies.close_date
        and (fx_rates.valid_to is null or currencies.close_date < fx_rates.valid_to)
        and fx_rates.currency_code in (currencies.currency_code, currencies.reporting_currency_code)

),

conversions as (

    select
        currencies.source_system,
        currencies.opportunity_id,
        currencies.currency_code,
        currencies.reporting_currency_code,
        currency_rates.conversion_rate as currency_rate,
        reporting_rates.conversion_rate as reporting_currency_rate
    from opportunity_currencies as currencies
    left join rates_on_close_date as currency_rates
        on currency_rates.source_system = currencies.source_system
        and currency_rates.opportunity_id = currencies.opportunity_id
        and currency_rates.currency_code = currencies.currency_code
        and currency_rates.rate_rank = 1
    left join rates_on_close_date as reporting_rates
        on reporting_rates.source_system = currencies.source_system
        and reporting_rates.opportunity_id = currencies.opportunity_id
        and reporting_rates.currency_code = currencies.reporting_currency_code
        and reporting_rates.rate_rank = 1

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.source_system,
        opportunity_persons.person_key,
        opportunities.account_key,
        opportunities.opportunity_name,
        opportunities.stage_name,
        opportunities.created_at,
        {{ smarketing.reporting_date('opportunities.created_at') }} as created_date_reporting,
        opportunities.close_date,
        opportunities.closed_at,
        {{ smarketing.reporting_date('opportunities.closed_at') }} as closed_date_reporting,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.amount,
        opportunities.currency,
        {{ smarketing.amount_in_reporting_currency(
            'opportunities.amount', 'conversions.currency_code',
            'conversions.currency_rate', 'conversions.reporting_currency_rate') }} as amount_reporting,
        conversions.reporting_currency_code as reporting_currency
    from opportunities
    left join opportunity_persons
        on opportunity_persons.source_system = opportunities.source_system
        and opportunity_persons.opportunity_id = opportunities.opportunity_id
    left join conversions
        on conversions.source_system = opportunities.source_system
        and conversions.opportunity_id = opportunities.opportunity_id

)

select * from final
