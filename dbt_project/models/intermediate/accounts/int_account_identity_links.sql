{#
    Which account each company record belongs to (definitions/README.md, Identity): one
    normalised company domain is one account across Salesforce accounts (Website) and HubSpot
    companies (domain); a record without a domain is an account of its own.
#}

with

salesforce_accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

hubspot_companies as (

    select * from {{ ref('stg_hubspot__companies') }}

),

account_records as (

    select
        'salesforce' as source_system,
        'account' as source_object,
        account_id as source_record_id,
        website_domain as domain,
        account_name,
        number_of_employees,
        billing_country as country,
        industry,
        created_at as record_created_at,
        last_modified_at as record_modified_at
    from salesforce_accounts

    union all

    select
        'hubspot' as source_system,
        'company' as source_object,
        company_id as source_record_id,
        company_domain as domain,
        company_name as account_name,
        number_of_employees,
        country,
        industry,
        created_at as record_created_at,
        last_modified_at as record_modified_at
    from hubspot_companies

),

final as (

    select
        {{ account_key('domain', 'source_system', 'source_record_id') }} as account_key,
        source_system,
        source_object,
        source_record_id,
        domain,
        case when domain is not null then 'domain' else 'own_record' end as identity_rule,
        account_name,
        number_of_employees,
        country,
        industry,
        record_created_at,
        record_modified_at
    from account_records

)

select * from final
