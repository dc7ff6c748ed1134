{#
    Which person each person record belongs to, and by which rule (definitions/README.md,
    Identity): one normalised email is one person across HubSpot contacts, Salesforce leads and
    contacts and Marketo leads; a record without an email is a person of its own.

    HubSpot merges: a contact's "Merged Record IDs" (hs_merged_object_ids) names the contacts
    merged into it, which no longer exist as records of their own (HubSpot may give the merged
    record a new id and list both old ids). Every listed id resolves to the surviving contact's
    person, also when an earlier export still holds the old record: that record is then a merged
    record, not a person of its own. A survivor that was itself merged away later is followed to
    its own survivor, up to max_merge_hops merges; an id with no surviving contact in reach (a
    cycle, a longer chain) stays the record it was.

    Marketo merges: the "Merge Leads" activity on the winning lead lists the leads merged into it
    (int_marketo_lead_merges); they resolve to the winning lead's person by the same rule (the
    same hops, macro merge_survivor_ctes), so an earlier leads export row and the activities of a
    merged lead id count for the winning lead's person.
#}

{%- set max_merge_hops = 5 %}

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

marketo_lead_merges as (

    select * from {{ ref('int_marketo_lead_merges') }}

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

hubspot_merge_edges as (

    select distinct
        surviving_contact_id as merged_into_id,
        element_id as merged_id
    from (
        {{ id_list_elements('hubspot_contacts', 'contact_id', 'merged_contact_ids', 'surviving_contact_id') }}
    ) as listed
    where element_id <> surviving_contact_id

),

{{ smarketing.merge_survivor_ctes('hubspot', 'hubspot_merge_edges', 'hubspot_contacts', 'contact_id', 'created_at', max_merge_hops) }},

marketo_merge_edges as (

    select distinct
        lead_id as merged_into_id,
        merged_lead_id as merged_id
    from marketo_lead_merges

),

{{ smarketing.merge_survivor_ctes('marketo', 'marketo_merge_edges', 'marketo_leads', 'lead_id', 'created_at', max_merge_hops) }},

merge_survivors as (

    select
        'hubspot' as source_system,
        'contact' as source_object,
        'hubspot_merge' as identity_rule,
        merged_id,
        survivor_id,
        survivor_created_at
    from hubspot_merge_survivors

    union all

    select
        'marketo' as source_system,
        'lead' as source_object,
        'marketo_merge' as identity_rule,
        merged_id,
        survivor_id,
        survivor_created_at
    from marketo_merge_survivors

),

merged_away as (

    select distinct
        source_system,
        source_object,
        merged_id
    from merge_survivors

),

person_records_kept as (

    select person_records.*
    from person_records
    left join merged_away
        on merged_away.source_system = person_records.source_system
        and merged_away.source_object = person_records.source_object
        and merged_away.merged_id = person_records.source_record_id
    where merged_away.merged_id is null

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
    from person_records_kept

),

merged_ids_linked as (

    select
        surviving.person_key,
        surviving.source_system,
        surviving.source_object,
        merged.merged_id as source_record_id,
        surviving.email,
        merged.identity_rule,
        true as is_merged_record,
        merged.survivor_id as merged_into_record_id,
        cast(null as {{ dbt.type_timestamp() }}) as record_created_at,
        row_number() over (
            partition by merged.source_system, merged.source_object, merged.merged_id
            order by merged.survivor_created_at desc, merged.survivor_id desc
        ) as merge_rank
    from merge_survivors as merged
    inner join records_linked as surviving
        on surviving.source_system = merged.source_system
        and surviving.source_object = merged.source_object
        and surviving.source_record_id = merged.survivor_id

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
