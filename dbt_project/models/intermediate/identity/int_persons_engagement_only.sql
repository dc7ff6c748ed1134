{#
    People known only from an engagement event or a form submission: an email that no person
    record has. One row per such person_key.
#}

with

form_submissions as (

    select * from {{ ref('int_form_submissions_unified') }}

),

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

persons_with_records as (

    select * from {{ ref('int_persons_with_records') }}

),

event_identities as (

    select person_key, email from form_submissions

    union all

    select person_key, email from engagement_events

),

final as (

    select
        event_identities.person_key,
        max(event_identities.email) as email
    from event_identities
    left join persons_with_records
        on persons_with_records.person_key = event_identities.person_key
    where persons_with_records.person_key is null
    group by event_identities.person_key

)

select * from final
