{#
    Who is on each opportunity: Salesforce contact roles (the contact's person), the lead whose
    conversion created the opportunity (ConvertedOpportunityId), HubSpot deal associated
    contacts (merged contact ids included). person_rank 1 is the opportunity's person: the
    primary contact role, else the first contact role, else the converted lead, else the first
    associated HubSpot contact.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

contact_roles as (

    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

hubspot_deals as (

    select * from {{ ref('stg_hubspot__deals') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

contact_role_links as (

    select
        roles.opportunity_id,
        'salesforce' as source_system,
        contacts.person_key,
        'contact_role' as link_rule,
        roles.opportunity_contact_role_id as link_record_id,
        roles.is_primary,
        case when roles.is_primary then 1 else 2 end as link_priority,
        roles.created_at as linked_at,
        cast(null as {{ dbt.type_int() }}) as list_position,
        {{ clean_id('roles.contact_role') }} as contact_role
    from contact_roles as roles
    inner join identity_links as contacts
        on contacts.source_system = 'salesforce'
        and contacts.source_object = 'contact'
        and contacts.source_record_id = roles.contact_id

),

converted_lead_links as (

    select
        leads.converted_opportunity_id as opportunity_id,
        'salesforce' as source_system,
        lead_links.person_key,
        'converted_lead' as link_rule,
        leads.lead_id as link_record_id,
        false as is_primary,
        3 as link_priority,
        cast(leads.converted_date as {{ dbt.type_timestamp() }}) as linked_at,
        cast(null as {{ dbt.type_int() }}) as list_position,
        cast(null as {{ dbt.type_string() }}) as contact_role
    from salesforce_leads as leads
    inner join identity_links as lead_links
        on lead_links.source_system = 'salesforce'
        and lead_links.source_object = 'lead'
        and lead_links.source_record_id = leads.lead_id
    where leads.converted_opportunity_id is not null

),

deal_contacts as (

    {{ id_list_elements('hubspot_deals', 'deal_id', 'associated_contact_ids') }}

),

deal_contact_links as (

    select
        deal_contacts.deal_id as opportunity_id,
        'hubspot' as source_system,
        contacts.person_key,
        'deal_association' as link_rule,
        deal_contacts.element_id as link_record_id,
        false as is_primary,
        4 as link_priority,
        cast(null as {{ dbt.type_timestamp() }}) as linked_at,
        deal_contacts.element_position as list_position,
        cast(null as {{ dbt.type_string() }}) as contact_role
    from deal_contacts
    inner join identity_links as contacts
        on contacts.source_system = 'hubspot'
        and contacts.source_object = 'contact'
        and contacts.source_record_id = deal_contacts.element_id

),

links as (

    select * from contact_role_links

    union all

    select * from converted_lead_links

    union all

    select * from deal_contact_links

),

final as (

    select
        links.opportunity_id,
        links.source_system,
        links.person_key,
        links.link_rule,
        links.link_record_id,
        links.is_primary,
        links.linked_at,
        links.list_position,
        links.contact_role,
        row_number() over (
            partition by links.source_system, links.opportunity_id
            order by
                links.link_priority,
                links.linked_at nulls last,
                links.list_position nulls last,
                links.link_record_id
        ) as person_rank
    from links
    inner join opportunities
        on opportunities.source_system = links.source_system
        and opportunities.opportunity_id = links.opportunity_id

)

select * from final
