{#
    Which person each person record belongs to, and by which rule (definitions/README.md,
    Identity): one normalised email is one person across HubSpot contacts, Salesforce leads and
    contacts and Marketo leads; a record without an email is a person of its own. Ids of HubSpot
    contacts merged into another contact resolve to the surviving contact's person.
#}

with

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

person_records as (

    select
        'hubspot' as source_system,
        'contact' as source_object,
        contact_id as source_record_id,
        email,
        created_at as record_created_at
    from hubspot_contacts

    union all

    select
        'salesforce' as source_system,
        'lead' as source_object,
        lead_id as source_record_id,
        email,
        created_at as record_created_at
    from salesforce_leads

    union all

    select
        'salesforce' as source_system,
        'contact' as source_object,
        contact_id as source_record_id,
        email,
        created_at as record_created_at
    from salesforce_contacts

    union all

    select
        'marketo' as source_system,
        'lead' as source_object,
        lead_id as source_record_id,
        email,
        created_at as record_created_at
    from marketo_leads

),

records_linked as (

    select
        {{ person_key('email', 'source_system', 'source_object', 'source_record_id') }} as person_key,
        source_system,
        source_object,
        source_record_id,
        email,
        case when email is not null then 'email' else 'own_record' end as identity_rule,
        false as is_merged_record,
        cast(null as {{ dbt.type_string() }}) as merged_into_record_id,
        record_created_at
    from person_records

),

hubspot_merged_ids as (

    {{ id_list_elements('hubspot_contacts', 'contact_id', 'merged_contact_ids', 'surviving_contact_id') }}

),

merged_ids_linked as (

    select
        surviving.person_key,
        surviving.source_system,
        surviving.source_object,
        merged.element_id as source_record_id,
        surviving.email,
        'hubspot_merge' as identity_rule,
        true as is_merged_record,
        merged.surviving_contact_id as merged_into_record_id,
        cast(null as {{ dbt.type_timestamp() }}) as record_created_at,
        row_number() over (
            partition by merged.element_id
            order by surviving.record_created_at desc, surviving.source_record_id desc
        ) as merge_rank
    from hubspot_merged_ids as merged
    inner join records_linked as surviving
        on surviving.source_system = 'hubspot'
        and surviving.source_object = 'contact'
        and surviving.source_record_id = merged.surviving_contact_id
    left join hubspot_contacts as still_exported
        on still_exported.contact_id = merged.element_id
    where still_exported.contact_id is null

),

final as (

    select
        person_key,
        source_system,
        source_object,
        source_record_id,
        email,
        {{ email_domain('email') }} as email_domain,
        identity_rule,
        is_merged_record,
        merged_into_record_id,
        record_created_at
    from records_linked

    union all

    select
        person_key,
        source_system,
        source_object,
        source_record_id,
        email,
        {{ email_domain('email') }} as email_domain,
        identity_rule,
        is_merged_record,
        merged_into_record_id,
        record_created_at
    from merged_ids_linked
    where merge_rank = 1

)

select * from final
