{#
    One row per person record (HubSpot contact, Salesforce lead or contact, Marketo lead) with the
    attributes it carries for its person: when it was created and modified, its original source,
    country, owner, linked account and number of employees, and crm_priority, the precedence of
    its kind of record when records disagree (1 Salesforce contact, 2 Salesforce lead, 3 HubSpot
    contact, 4 Marketo lead). Owner: a Salesforce owner counts only when it is a Salesforce User,
    named by the user's full name; a HubSpot owner is taken as the UI export writes it (the
    owner's name under "Contact owner"), and a bare owner id from an export with internal
    property names becomes 'HubSpot owner <owner id>'.
#}

with

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

marketo_leads as (

    select * from {{ ref('stg_marketo__leads') }}

),

salesforce_users as (

    select * from {{ ref('stg_salesforce__users') }}

),

account_links as (

    select * from {{ ref('int_account_identity_links') }}

),

record_attributes as (

    select
        links.person_key,
        'hubspot' as source_system,
        3 as crm_priority,
        contacts.created_at as record_created_at,
        contacts.last_modified_at as record_modified_at,
        contacts.original_source,
        contacts.country,
        cast(null as {{ dbt.type_string() }}) as salesforce_owner_id,
        contacts.owner_id as hubspot_owner,
        companies.account_key,
        'hubspot_associated_company' as account_link_rule,
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees,
        contacts.company_name
    from hubspot_contacts as contacts
    inner join identity_links as links
        on links.source_system = 'hubspot'
        and links.source_object = 'contact'
        and links.source_record_id = contacts.contact_id
    left join account_links as companies
        on companies.source_system = 'hubspot'
        and companies.source_record_id = contacts.associated_company_id

    union all

    select
        links.person_key,
        'salesforce' as source_system,
        2 as crm_priority,
        leads.created_at as record_created_at,
        leads.system_modified_at as record_modified_at,
        leads.lead_source as original_source,
        leads.country,
        leads.owner_id as salesforce_owner_id,
        cast(null as {{ dbt.type_string() }}) as hubspot_owner,
        converted_accounts.account_key,
        'salesforce_converted_lead_account' as account_link_rule,
        leads.number_of_employees,
        leads.company_name
    from salesforce_leads as leads
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and links.source_record_id = leads.lead_id
    left join account_links as converted_accounts
        on converted_accounts.source_system = 'salesforce'
        and converted_accounts.source_record_id = leads.converted_account_id

    union all

    select
        links.person_key,
        'salesforce' as source_system,
        1 as crm_priority,
        contacts.created_at as record_created_at,
        contacts.system_modified_at as record_modified_at,
        contacts.lead_source as original_source,
        contacts.mailing_country as country,
        contacts.owner_id as salesforce_owner_id,
        cast(null as {{ dbt.type_string() }}) as hubspot_owner,
        contact_accounts.account_key,
        'salesforce_contact_account' as account_link_rule,
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as company_name
    from salesforce_contacts as contacts
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'contact'
        and links.source_record_id = contacts.contact_id
    left join account_links as contact_accounts
        on contact_accounts.source_system = 'salesforce'
        and contact_accounts.source_record_id = contacts.account_id

    union all

    select
        links.person_key,
        'marketo' as source_system,
        4 as crm_priority,
        leads.created_at as record_created_at,
        leads.updated_at as record_modified_at,
        leads.lead_source as original_source,
        leads.country,
        cast(null as {{ dbt.type_string() }}) as salesforce_owner_id,
        cast(null as {{ dbt.type_string() }}) as hubspot_owner,
        cast(null as {{ dbt.type_string() }}) as account_key,
        cast(null as {{ dbt.type_string() }}) as account_link_rule,
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees,
        leads.company_name
    from marketo_leads as leads
    inner join identity_links as links
        on links.source_system = 'marketo'
        and links.source_object = 'lead'
        and links.source_record_id = leads.lead_id

),

{#- An owner id (exports with internal property names write hubspot_owner_id digits) is labelled,
    so it is never mistaken for a phone number; a name is used as it is. -#}
{%- set hubspot_owner_is_id = "translate(record_attributes.hubspot_owner, '0123456789', '') = ''" %}

final as (

    select
        record_attributes.person_key,
        record_attributes.source_system,
        record_attributes.crm_priority,
        record_attributes.record_created_at,
        record_attributes.record_modified_at,
        record_attributes.original_source,
        record_attributes.country,
        case
            when users.full_name is not null then users.full_name
            when {{ hubspot_owner_is_id }} then {{ dbt.concat(["'HubSpot owner '", 'record_attributes.hubspot_owner']) }}
            else record_attributes.hubspot_owner
        end as owner,
        case
            when users.full_name is not null then 'salesforce_user'
            when {{ hubspot_owner_is_id }} then 'hubspot_owner_id'
            when record_attributes.hubspot_owner is not null then 'hubspot_owner'
        end as owner_source,
        record_attributes.account_key,
        record_attributes.account_link_rule,
        record_attributes.number_of_employees,
        {{ clean_id('record_attributes.company_name') }} as company_name
    from record_attributes
    left join salesforce_users as users
        on users.user_id = record_attributes.salesforce_owner_id

)

select * from final
