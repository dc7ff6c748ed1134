{#
    One row per account. Firmographics come from the Salesforce accounts first (the sales system
    of record), then HubSpot companies; within a system, the most recently modified record wins.
#}

with

account_links as (

    select * from {{ ref('int_account_identity_links') }}

),

candidates as (

    select
        account_key,
        domain,
        account_name,
        number_of_employees,
        country,
        industry,
        source_system,
        record_created_at,
        case source_system when 'salesforce' then 1 else 2 end as system_priority,
        record_modified_at
    from account_links

),

accounts as (

    select
        account_key,
        max(domain) as domain,
        min(record_created_at) as first_record_created_at,
        count(*) as record_count,
        {{ dbt.bool_or("source_system = 'salesforce'") }} as has_salesforce_account,
        {{ dbt.bool_or("source_system = 'hubspot'") }} as has_hubspot_company
    from candidates
    group by account_key

),

names as (

    {{ first_by('candidates', 'account_key', ['account_name'], 'account_name',
                'system_priority, record_modified_at desc nulls last, record_created_at') }}

),

employees as (

    {{ first_by('candidates', 'account_key', ['number_of_employees'], 'number_of_employees',
                'system_priority, record_modified_at desc nulls last, record_created_at') }}

),

countries as (

    {{ first_by('candidates', 'account_key', ['country'], 'country',
                'system_priority, record_modified_at desc nulls last, record_created_at') }}

),

industries as (

    {{ first_by('candidates', 'account_key', ['industry'], 'industry',
                'system_priority, record_modified_at desc nulls last, record_created_at') }}

),

final as (

    select
        accounts.account_key,
        accounts.domain,
        names.account_name,
        employees.number_of_employees,
        countries.country,
        industries.industry,
        accounts.has_salesforce_account,
        accounts.has_hubspot_company,
        accounts.record_count,
        accounts.first_record_created_at
    from accounts
    left join names on names.account_key = accounts.account_key
    left join employees on employees.account_key = accounts.account_key
    left join countries on countries.account_key = accounts.account_key
    left join industries on industries.account_key = accounts.account_key

)

select * from final
