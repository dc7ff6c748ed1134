{#
    Marketing spend, one row per cost source, source campaign and day: ad platform spend and
    campaign costs tied to CRM campaigns and channels, in the original and the reporting currency.
    Spend the mapping does not know is kept under channel 'Unmapped' (is_mapped false), never
    dropped. See int_marketing_costs for which source counts when several hold the same cost.
#}

with

costs as (

    select * from {{ ref('int_marketing_costs') }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'cost_source', "'|'", "coalesce(source_campaign_id, '')", "'|'",
            "coalesce(source_campaign_name, '')", "'|'", 'cast(cost_date as ' ~ dbt.type_string() ~ ')'
        ])) }} as spend_id,
        cost_source,
        cost_date,
        cost_month,
        channel,
        crm_campaign_id,
        campaign_name,
        source_campaign_id,
        source_campaign_name,
        utm_campaign,
        is_mapped,
        currency_code,
        cost,
        cost_reporting,
        reporting_currency
    from costs

)

select * from final
