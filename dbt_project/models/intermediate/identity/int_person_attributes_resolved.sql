{#
    One row per person with records: each attribute taken from one of their records when the
    records disagree (int_person_record_attributes gives every record's value):
      - original source: the earliest-created record that has one;
      - country, owner, linked account, company name: by crm_priority (Salesforce contact, Salesforce lead,
        HubSpot contact, Marketo lead), most recently modified first;
      - number of employees: the most recently modified record that has one (Salesforce leads).
    Records that tie on that order (two HubSpot contacts of one person modified in the same
    second) give the smallest value, so every run resolves the same (macro first_by).
#}

with

persons_with_records as (

    select * from {{ ref('int_persons_with_records') }}

),

record_attributes as (

    select * from {{ ref('int_person_record_attributes') }}

),

original_sources as (

    {{ first_by('record_attributes', 'person_key', ['original_source', 'source_system as original_source_system'],
                'original_source', 'record_created_at, crm_priority') }}

),

countries as (

    {{ first_by('record_attributes', 'person_key', ['country'], 'country',
                'crm_priority, record_modified_at desc nulls last') }}

),

owners as (

    {{ first_by('record_attributes', 'person_key', ['owner', 'owner_source'], 'owner',
                'crm_priority, record_modified_at desc nulls last') }}

),

linked_accounts as (

    {{ first_by('record_attributes', 'person_key', ['account_key', 'account_link_rule'], 'account_key',
                'crm_priority, record_modified_at desc nulls last') }}

),

company_names as (

    {{ first_by('record_attributes', 'person_key', ['company_name'], 'company_name',
                'crm_priority, record_modified_at desc nulls last') }}

),

lead_employees as (

    {{ first_by('record_attributes', 'person_key', ['number_of_employees'], 'number_of_employees',
                'record_modified_at desc nulls last') }}

),

final as (

    select
        persons_with_records.person_key,
        original_sources.original_source,
        original_sources.original_source_system,
        countries.country,
        owners.owner,
        owners.owner_source,
        linked_accounts.account_key,
        linked_accounts.account_link_rule,
        lead_employees.number_of_employees,
        company_names.company_name
    from persons_with_records
    left join original_sources
        on original_sources.person_key = persons_with_records.person_key
    left join countries
        on countries.person_key = persons_with_records.person_key
    left join owners
        on owners.person_key = persons_with_records.person_key
    left join linked_accounts
        on linked_accounts.person_key = persons_with_records.person_key
    left join lead_employees
        on lead_employees.person_key = persons_with_records.person_key
    left join company_names
        on company_names.person_key = persons_with_records.person_key

)

select * from final
