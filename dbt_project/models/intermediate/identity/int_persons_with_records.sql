{#
    People who have at least one person record (HubSpot contact, Salesforce lead or contact,
    Marketo lead): one row per person_key of int_person_identity_links, with which systems hold
    their records and when the first was created.
#}

with

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

final as (

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

)

select * from final
