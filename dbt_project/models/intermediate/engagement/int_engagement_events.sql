{#
    Canonical engagement events (definitions/README.md, Engagement events): the classified event
    records of int_engagement_event_records, each with its person. HubSpot form submissions by the
    submitted email (a person even when no record has that email), else by the contact id (merged
    contact ids included); HubSpot email events by the recipient email (a person even when no
    record has that email); Marketo activities (form fills included) by the lead. Source activity
    the definitions do not classify is not an engagement event. A form submission's person is
    int_form_submissions_unified's (the one place that rule lives).

    The person is resolved here, on every run, from the identity links as they stand: a merge or a
    new record that re-keys earlier events needs no reprocessing of the (incremental) records.
#}

with

event_records as (

    select * from {{ ref('int_engagement_event_records') }}
    where event_type is not null

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

form_submissions as (

    select * from {{ ref('int_form_submissions_unified') }}

),

marketo_leads as (

    select
        source_record_id as lead_id,
        person_key,
        email
    from identity_links
    where source_system = 'marketo'
        and source_object = 'lead'

),

form_submission_events as (

    select
        submissions.person_key,
        submissions.email,
        event_records.event_type,
        event_records.occurred_at,
        event_records.source_system,
        event_records.source_object,
        event_records.source_record_id,
        event_records.form_name
    from event_records
    inner join form_submissions as submissions
        on submissions.source_system = event_records.source_system
        and submissions.source_object = event_records.source_object
        and submissions.source_record_id = event_records.source_record_id
    where event_records.source_system = 'hubspot'
        and event_records.source_object = 'form_submission'

),

email_event_records as (

    select * from event_records
    where source_system = 'hubspot'
        and source_object = 'email_event'
        and email is not null

),

{# The keyed hash costs a few microseconds a row: each recipient is hashed once, not once per event. #}
email_event_recipients as (

    select
        email,
        {{ email_person_key('email') }} as person_key
    from (select distinct email from email_event_records) as recipients

),

email_events as (

    select
        recipients.person_key,
        email_event_records.email,
        email_event_records.event_type,
        email_event_records.occurred_at,
        email_event_records.source_system,
        email_event_records.source_object,
        email_event_records.source_record_id,
        email_event_records.form_name
    from email_event_records
    inner join email_event_recipients as recipients
        on recipients.email = email_event_records.email

),

marketo_events as (

    select
        leads.person_key,
        leads.email,
        event_records.event_type,
        event_records.occurred_at,
        event_records.source_system,
        event_records.source_object,
        event_records.source_record_id,
        event_records.form_name
    from event_records
    inner join marketo_leads as leads
        on leads.lead_id = event_records.person_record_id
    where event_records.source_system = 'marketo'
        and event_records.source_object = 'activity'

),

final as (

    select * from form_submission_events
    where person_key is not null

    union all

    select * from email_events

    union all

    select * from marketo_events

)

select * from final
