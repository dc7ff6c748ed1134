{#
    One row per person, with the attributes every mart describes a person by. People are the
    person records' people plus anyone known only from an engagement event or a form submission
    (an email that no record has). When records disagree:
      - original source: the earliest-created record that has one;
      - country, owner, account: Salesforce contact, then Salesforce lead, then HubSpot contact,
        then Marketo lead, most recently modified first (owner: a Salesforce owner counts only
        when it is a Salesforce User, named by the user's full name; a HubSpot owner is taken as
        the UI export writes it, the owner's name under "Contact owner", and a bare owner id
        from an export with internal property names becomes 'HubSpot owner <owner id>');
      - account without an explicit link: the account whose domain is the email's domain;
      - employees: the account's, else the Salesforce lead's;
      - first-touch campaign: the campaign of the person's earliest CampaignMember record.
#}

with

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

form_submissions as (

    select * from {{ ref('int_form_submissions_unified') }}

),

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

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

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

account_links as (

    select * from {{ ref('int_account_identity_links') }}

),

accounts as (

    select * from {{ ref('int_accounts_unified') }}

),

country_name_variants as (

    select * from {{ ref('country_name_variants') }}

),

original_source_channels as (

    select * from {{ ref('original_source_channels') }}

),

segment_bands as (

    {{ smarketing.definition_segments() }}

),

record_persons as (

    select
        person_key,
        max(email) as email,
        max(email_domain) as email_domain,
        min(record_created_at) as first_record_created_at,
        sum(case when is_merged_record then 0 else 1 end) as record_count,
        {{ dbt.bool_or("source_system = 'hubspot' and source_object = 'contact' and not is_merged_record") }} as has_hubspot_contact,
        {{ dbt.bool_or("source_system = 'salesforce' and source_object = 'lead'") }} as has_salesforce_lead,
        {{ dbt.bool_or("source_system = 'salesforce' and source_object = 'contact'") }} as has_salesforce_contact,
        {{ dbt.bool_or("source_system = 'marketo' and source_object = 'lead'") }} as has_marketo_lead
    from identity_links
    group by person_key

),

event_identities as (

    select person_key, email from form_submissions

    union all

    select person_key, email from engagement_events

),

event_only_persons as (

    select
        event_identities.person_key,
        max(event_identities.email) as email
    from event_identities
    left join record_persons
        on record_persons.person_key = event_identities.person_key
    where record_persons.person_key is null
    group by event_identities.person_key

),

persons as (

    select * from record_persons

    union all

    select
        person_key,
        email,
        {{ email_domain('email') }} as email_domain,
        cast(null as {{ dbt.type_timestamp() }}) as first_record_created_at,
        0 as record_count,
        false as has_hubspot_contact,
        false as has_salesforce_lead,
        false as has_salesforce_contact,
        false as has_marketo_lead
    from event_only_persons

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
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees
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
        leads.number_of_employees
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
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees
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
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees
    from marketo_leads as leads
    inner join identity_links as links
        on links.source_system = 'marketo'
        and links.source_object = 'lead'
        and links.source_record_id = leads.lead_id

),

{#- An owner id (exports with internal property names write hubspot_owner_id digits) is labelled,
    so it is never mistaken for a phone number; a name is used as it is. -#}
{%- set hubspot_owner_is_id = "translate(record_attributes.hubspot_owner, '0123456789', '') = ''" %}

record_owners as (

    select
        record_attributes.person_key,
        record_attributes.crm_priority,
        record_attributes.record_modified_at,
        case
            when users.full_name is not null then users.full_name
            when {{ hubspot_owner_is_id }} then {{ dbt.concat(["'HubSpot owner '", 'record_attributes.hubspot_owner']) }}
            else record_attributes.hubspot_owner
        end as owner,
        case
            when users.full_name is not null then 'salesforce_user'
            when {{ hubspot_owner_is_id }} then 'hubspot_owner_id'
            when record_attributes.hubspot_owner is not null then 'hubspot_owner'
        end as owner_source
    from record_attributes
    left join salesforce_users as users
        on users.user_id = record_attributes.salesforce_owner_id

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

    {{ first_by('record_owners', 'person_key', ['owner', 'owner_source'], 'owner',
                'crm_priority, record_modified_at desc nulls last') }}

),

linked_accounts as (

    {{ first_by('record_attributes', 'person_key', ['account_key', 'account_link_rule'], 'account_key',
                'crm_priority, record_modified_at desc nulls last') }}

),

lead_employees as (

    {{ first_by('record_attributes', 'person_key', ['number_of_employees'], 'number_of_employees',
                'record_modified_at desc nulls last') }}

),

person_accounts as (

    select
        persons.person_key,
        coalesce(linked_accounts.account_key, domain_accounts.account_key) as account_key,
        case
            when linked_accounts.account_key is not null then linked_accounts.account_link_rule
            when domain_accounts.account_key is not null then 'email_domain'
        end as account_link_rule
    from persons
    left join linked_accounts
        on linked_accounts.person_key = persons.person_key
    left join accounts as domain_accounts
        on domain_accounts.domain = persons.email_domain

),

first_campaign_memberships as (

    select
        links.person_key,
        members.campaign_member_id,
        members.campaign_id,
        members.created_at
    from campaign_members as members
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and links.source_record_id = members.lead_id

    union all

    select
        links.person_key,
        members.campaign_member_id,
        members.campaign_id,
        members.created_at
    from campaign_members as members
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'contact'
        and links.source_record_id = members.contact_id

),

first_touches as (

    {{ first_by('first_campaign_memberships', 'person_key', ['campaign_id'], 'campaign_member_id',
                'created_at, campaign_member_id') }}

),

enriched as (

    select
        persons.person_key,
        persons.email,
        persons.email_domain,
        persons.first_record_created_at,
        persons.record_count,
        persons.has_hubspot_contact,
        persons.has_salesforce_lead,
        persons.has_salesforce_contact,
        persons.has_marketo_lead,
        original_sources.original_source,
        original_sources.original_source_system,
        first_touches.campaign_id as first_touch_campaign_id,
        campaigns.campaign_name as first_touch_campaign,
        coalesce(countries.country, accounts.country) as country_as_entered,
        owners.owner,
        owners.owner_source,
        person_accounts.account_key,
        person_accounts.account_link_rule,
        coalesce(accounts.number_of_employees, lead_employees.number_of_employees) as number_of_employees
    from persons
    left join original_sources
        on original_sources.person_key = persons.person_key
    left join first_touches
        on first_touches.person_key = persons.person_key
    left join campaigns
        on campaigns.campaign_id = first_touches.campaign_id
    left join countries
        on countries.person_key = persons.person_key
    left join owners
        on owners.person_key = persons.person_key
    left join person_accounts
        on person_accounts.person_key = persons.person_key
    left join accounts
        on accounts.account_key = person_accounts.account_key
    left join lead_employees
        on lead_employees.person_key = persons.person_key

),

segment_matches as (

    select
        enriched.person_key,
        min(segment_bands.segment_order) as segment_order
    from enriched
    inner join segment_bands
        on segment_bands.max_employees is null
        or enriched.number_of_employees <= segment_bands.max_employees
    where enriched.number_of_employees is not null
    group by enriched.person_key

),

final as (

    select
        enriched.person_key,
        enriched.email,
        enriched.email_domain,
        enriched.first_record_created_at,
        enriched.record_count,
        enriched.has_hubspot_contact,
        enriched.has_salesforce_lead,
        enriched.has_salesforce_contact,
        enriched.has_marketo_lead,
        enriched.original_source,
        enriched.original_source_system,
        case
            when enriched.original_source is null then 'Unknown'
            else coalesce(original_source_channels.channel, 'Unmapped')
        end as channel,
        enriched.first_touch_campaign_id,
        enriched.first_touch_campaign,
        coalesce(country_name_variants.country_name, nullif(trim(enriched.country_as_entered), '')) as country,
        country_name_variants.iso2 as country_code,
        country_name_variants.region,
        enriched.owner,
        enriched.owner_source,
        enriched.account_key,
        enriched.account_link_rule,
        enriched.number_of_employees,
        coalesce(segment_bands.segment_name, {{ smarketing.sql_string(smarketing.definition_unknown_segment_name()) }}) as segment
    from enriched
    left join original_source_channels
        on original_source_channels.source_system = enriched.original_source_system
        and lower(original_source_channels.original_source) = lower(trim(enriched.original_source))
    left join country_name_variants
        on lower(country_name_variants.country_name_variant) = lower(trim(enriched.country_as_entered))
    left join segment_matches
        on segment_matches.person_key = enriched.person_key
    left join segment_bands
        on segment_bands.segment_order = segment_matches.segment_order

)

select * from final
