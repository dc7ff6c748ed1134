{#
    Reporting currency and reporting calendar, both from the definitions file's `reporting`
    block; every model that converts money or buckets time by day or month goes through these.

        reporting_currency_code()                       -- the reporting currency as an SQL literal
        amount_in_reporting_currency('amount', 'currency_code', 'currency_rate', 'reporting_rate')
        reporting_month_of_date('spend_date')           -- first day of the date's month
    The day of a UTC instant in the reporting time zone is reporting_date() (reporting_dates.sql).
#}

{% macro reporting_currency_code() -%}
    {{ smarketing.sql_string(smarketing.definition_global('reporting.currency')) }}
{%- endmacro %}


{#
    amount * rate(reporting currency) / rate(currency), both rates in force on the same date and
    quoted against the same base, rounded half up to cents; the amount itself (to cents) when it
    is in the reporting currency or has no currency; null when a rate is missing.
#}
{% macro amount_in_reporting_currency(amount, currency_code, currency_rate, reporting_rate) -%}
    cast(
        case
            when {{ amount }} is null then null
            when {{ currency_code }} is null or {{ currency_code }} = {{ smarketing.reporting_currency_code() }}
                then round({{ amount }}, 2)
            else {{ smarketing.round_quotient(amount ~ ' * ' ~ reporting_rate, currency_rate) }}
        end
        as decimal(18, 2)
    )
{%- endmacro %}


{#
    The rate row of `fx_alias` (int_fx_rates) in force for `currency_code` on `on_date`:
    valid_from <= date < valid_to (open-ended while valid_to is null). A join condition.
#}
{% macro fx_rate_in_force(fx_alias, currency_code, on_date) -%}
    {{ fx_alias }}.currency_code = {{ currency_code }}
        and {{ fx_alias }}.valid_from <= {{ on_date }}
        and ({{ fx_alias }}.valid_to is null or {{ on_date }} < {{ fx_alias }}.valid_to)
{%- endmacro %}


{# First day of the month of a reporting date. #}
{% macro reporting_month_of_date(date) -%}
    cast({{ dbt.date_trunc('month', date) }} as date)
{%- endmacro %}
