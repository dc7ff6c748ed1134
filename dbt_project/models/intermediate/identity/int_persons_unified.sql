{#
    One row per person, with the attributes every mart describes a person by. People are the
    person records' people (int_persons_with_records) plus anyone known only from an engagement
    event or a form submission (int_persons_engagement_only). The record attributes are resolved
    per person in int_person_attributes_resolved; here they are completed:
      - account: the linked account, else the account whose domain is the email's domain, else,
        for a personal or unknown email domain, the one account with the person's normalised
        company name (int_person_company_name_links);
      - country: the records', else the account's, as a recognised name with its region;
      - employees: the account's, else the Salesforce lead's, banded into a segment;
      - channel: the original source's (seed original_source_channels);
      - first-touch campaign: int_person_first_campaign_touches.
#}

with

persons_with_records as (

    select * from {{ ref('int_persons_with_records') }}

),

persons_engagement_only as (

    select * from {{ ref('int_persons_engagement_only') }}

),

resolved_attributes as (

    select * from {{ ref('int_person_attributes_resolved') }}

),

first_campaign_touches as (

    select * from {{ ref('int_person_first_campaign_touches') }}

),

company_name_links as (

    select * from {{ ref('int_person_company_name_links') }}

),

accounts as (

    select * from {{ ref('int_accounts_unified') }}

),

segment_bands as (

    select * from {{ ref('int_definition_segments') }}

),

country_name_variants as (

    select * from {{ ref('country_name_variants') }}

),

original_source_channels as (

    select * from {{ ref('original_source_channels') }}

),

persons as (

    select * from persons_with_records

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
    from persons_engagement_only

),

person_accounts as (

    select
        persons.person_key,
        coalesce(resolved_attributes.account_key, domain_accounts.account_key, company_name_links.account_key) as account_key,
        case
            when resolved_attributes.account_key is not null then resolved_attributes.account_link_rule
            when domain_accounts.account_key is not null then 'email_domain'
            when company_name_links.account_key is not null then 'company_name'
        end as account_link_rule
    from persons
    left join resolved_attributes
        on resolved_attributes.person_key = persons.person_key
    left join accounts as domain_accounts
        on domain_accounts.domain = persons.email_domain
    left join company_name_links
        on company_name_links.person_key = persons.person_key

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
        resolved_attributes.original_source,
        resolved_attributes.original_source_system,
        first_campaign_touches.first_touch_campaign_id,
        first_campaign_touches.first_touch_campaign,
        coalesce(resolved_attributes.country, accounts.country) as country_as_entered,
        resolved_attributes.owner,
        resolved_attributes.owner_source,
        person_accounts.account_key,
        person_accounts.account_link_rule,
        coalesce(accounts.number_of_employees, resolved_attributes.number_of_employees) as number_of_employees
    from persons
    left join resolved_attributes
        on resolved_attributes.person_key = persons.person_key
    left join first_campaign_touches
        on first_campaign_touches.person_key = persons.person_key
    left join person_accounts
        on person_accounts.person_key = persons.person_key
    left join accounts
        on accounts.account_key = person_accounts.account_key

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
