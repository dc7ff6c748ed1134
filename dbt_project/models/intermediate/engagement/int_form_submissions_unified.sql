{#
    Every form submission, from HubSpot form submissions and Marketo "Fill Out Form" activities,
    with the person who submitted: HubSpot by the submitted email (a person even when no record
    has that email), else by the contact id (merged contact ids included); Marketo by the lead.
#}

with

hubspot_form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}

),

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

hubspot_submissions as (

    select
        'hubspot' as source_system,
        'form_submission' as source_object,
        submissions.form_submission_id as source_record_id,
        coalesce(
            {{ email_person_key('submissions.email') }},
            contacts.person_key
        ) as person_key,
        case when submissions.email is not null then submissions.email else contacts.email end as email,
        submissions.form_name,
        submissions.submitted_at
    from hubspot_form_submissions as submissions
    left join identity_links as contacts
        on contacts.source_system = 'hubspot'
        and contacts.source_object = 'contact'
        and contacts.source_record_id = submissions.contact_id

),

marketo_form_fills as (

    select
        'marketo' as source_system,
        'activity' as source_object,
        activities.activity_id as source_record_id,
        leads.person_key,
        leads.email,
        activities.primary_attribute_value as form_name,
        activities.occurred_at as submitted_at
    from marketo_activities as activities
    inner join identity_links as leads
        on leads.source_system = 'marketo'
        and leads.source_object = 'lead'
        and leads.source_record_id = activities.lead_id
    where activities.is_form_fill_out

),

final as (

    select * from hubspot_submissions
    where person_key is not null

    union all

    select * from marketo_form_fills

)

select * from final
