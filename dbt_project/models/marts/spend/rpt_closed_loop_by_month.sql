{#
    Per reporting month: marketing spend, sales costs (the optional spend/sales_costs.csv file,
    converted at the rate in force on the first day of the month), won revenue, and the cost of
    acquiring that revenue as a share of it. Sales cost columns are null when no sales costs file
    was delivered; shares are null when there is no won revenue.
#}

with

spend as (

    select * from {{ ref('fct_marketing_spend') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

sales_costs as (

    select * from {{ ref('stg_spend__sales_costs') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates') }}

),

converted_sales_costs as (

    select
        sales_costs.cost_month as report_month,
        {{ smarketing.amount_in_reporting_currency(
            'sales_costs.amount', 'sales_costs.currency_code',
            'currency_rates.conversion_rate', 'reporting_rates.conversion_rate') }} as amount_reporting
    from sales_costs
    left join fx_rates as currency_rates
        on {{ smarketing.fx_rate_in_force('currency_rates', 'sales_costs.currency_code', 'sales_costs.cost_month') }}
    left join fx_rates as reporting_rates
        on {{ smarketing.fx_rate_in_force('reporting_rates', smarketing.reporting_currency_code(), 'sales_costs.cost_month') }}

),

monthly_sales_costs as (

    select
        report_month,
        sum(amount_reporting) as sales_cost,
        count(*) - count(amount_reporting) as sales_costs_without_rate
    from converted_sales_costs
    group by report_month

),

monthly_spend as (

    select
        cost_month as report_month,
        sum(cost_reporting) as spend
    from spend
    group by cost_month

),

monthly_revenue as (

    select
        {{ smarketing.reporting_month_of_date('closed_date_reporting') }} as report_month,
        count(*) as won_deals,
        sum(amount_reporting) as won_revenue
    from opportunities
    where is_won
        and closed_date_reporting is not null
    group by 1

),

months as (

    select report_month from monthly_spend
    union
    select report_month from monthly_revenue
    union
    select report_month from monthly_sales_costs

),

joined as (

    select
        months.report_month,
        cast(coalesce(monthly_spend.spend, 0) as decimal(18, 2)) as spend,
        case
            when exists (select 1 from sales_costs)
                then cast(coalesce(monthly_sales_costs.sales_cost, 0) as decimal(18, 2))
        end as sales_cost,
        coalesce(monthly_revenue.won_deals, 0) as won_deals,
        cast(coalesce(monthly_revenue.won_revenue, 0) as decimal(18, 2)) as won_revenue
    from months
    left join monthly_spend
        on monthly_spend.report_month = months.report_month
    left join monthly_sales_costs
        on monthly_sales_costs.report_month = months.report_month
    left join monthly_revenue
        on monthly_revenue.report_month = months.report_month

),

final as (

    select
        report_month,
        spend,
        sales_cost,
        won_deals,
        won_revenue,
        {{ smarketing.round_quotient('spend', 'nullif(won_deals, 0)') }} as cac,
        {{ smarketing.round_quotient('spend', 'nullif(won_revenue, 0)', 4) }} as marketing_cost_share_of_revenue,
        {{ smarketing.round_quotient('spend + sales_cost', 'nullif(won_revenue, 0)', 4) }} as marketing_and_sales_cost_share_of_revenue,
        {{ smarketing.reporting_currency_code() }} as reporting_currency
    from joined

)

select * from final
