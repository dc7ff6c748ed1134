{#
    Salesforce opportunities and HubSpot deals as one set of opportunities. closed_at follows
    definitions/README.md: Salesforce, the first OpportunityHistory row reaching the current
    (closed) stage, else CloseDate at 00:00 UTC; HubSpot, closedate. Null while open.
    close_date: Salesforce CloseDate; HubSpot, the day of closedate in the reporting time zone.
#}

with

salesforce_opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history_entries') }}

),

hubspot_deals as (

    select * from {{ ref('int_hubspot_deals_classified') }}

),

account_links as (

    select * from {{ ref('int_account_identity_links') }}

),

salesforce_closing_stage_reached as (

    select
        opportunities.opportunity_id,
        min(history.created_at) as reached_at
    from salesforce_opportunities as opportunities
    inner join opportunity_history as history
        on history.opportunity_id = opportunities.opportunity_id
        and history.stage_name = opportunities.stage_name
    where opportunities.is_closed
    group by opportunities.opportunity_id

),

salesforce as (

    select
        opportunities.opportunity_id,
        'salesforce' as source_system,
        opportunities.opportunity_name,
        accounts.account_key,
        opportunities.stage_name,
        opportunities.created_at,
        opportunities.close_date,
        case
            when opportunities.is_closed
                then coalesce(
                    closing_stage.reached_at,
                    cast(opportunities.close_date as {{ dbt.type_timestamp() }})
                )
        end as closed_at,
        coalesce(opportunities.is_closed, false) as is_closed,
        coalesce(opportunities.is_won, false) as is_won,
        opportunities.amount,
        opportunities.currency_code as currency,
        opportunities.owner_id
    from salesforce_opportunities as opportunities
    left join salesforce_closing_stage_reached as closing_stage
        on closing_stage.opportunity_id = opportunities.opportunity_id
    left join account_links as accounts
        on accounts.source_system = 'salesforce'
        and accounts.source_record_id = opportunities.account_id

),

deal_companies as (

    {{ id_list_elements('hubspot_deals', 'deal_id', 'associated_company_ids') }}

),

deal_first_companies as (

    {{ first_by('deal_companies', 'deal_id', ['element_id as company_id'], 'element_id', 'element_position') }}

),

hubspot as (

    select
        deals.deal_id as opportunity_id,
        'hubspot' as source_system,
        deals.deal_name as opportunity_name,
        accounts.account_key,
        deals.deal_stage as stage_name,
        deals.created_at,
        {{ smarketing.reporting_date('deals.close_at') }} as close_date,
        case when deals.is_closed then deals.close_at end as closed_at,
        deals.is_closed,
        deals.is_won,
        deals.amount,
        deals.currency_code as currency,
        deals.owner_id
    from hubspot_deals as deals
    left join deal_first_companies
        on deal_first_companies.deal_id = deals.deal_id
    left join account_links as accounts
        on accounts.source_system = 'hubspot'
        and accounts.source_record_id = deal_first_companies.company_id

),

final as (

    select * from salesforce

    union all

    select * from hubspot

)

select * from final
