{#
    Canonical engagement events (definitions/README.md, Engagement events): form submissions
    classified by the first matching form-name pattern, HubSpot marketing email events by type,
    Marketo activities by activity type id (form fills by their form name; a blank form name is
    matched as ''). Source activity the definitions do not classify is not an engagement event.
    An email event makes its recipient a person even when no record has that email.
#}

with

form_submissions as (

    select * from {{ ref('int_form_submissions_unified') }}

),

hubspot_email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}

),

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

event_classifications as (

    select * from {{ ref('int_definition_event_classifications') }}

),

form_event_types as (

    select
        rule_order as pattern_order,
        match_value as form_name_pattern,
        event_type
    from event_classifications
    where rule_kind = 'form_name_pattern'

),

email_event_types as (

    select
        match_value as email_event_type,
        event_type
    from event_classifications
    where rule_kind = 'hubspot_email_event_type'

),

marketo_activity_types as (

    select
        cast(match_value as {{ dbt.type_int() }}) as activity_type_id,
        event_type
    from event_classifications
    where rule_kind = 'marketo_activity_type_id'

),

form_matches as (

    select
        form_submissions.source_system,
        form_submissions.source_object,
        form_submissions.source_record_id,
        form_submissions.person_key,
        form_submissions.email,
        form_event_types.event_type,
        form_submissions.submitted_at as occurred_at,
        form_submissions.form_name,
        row_number() over (
            partition by form_submissions.source_system, form_submissions.source_record_id
            order by form_event_types.pattern_order
        ) as match_rank
    from form_submissions
    inner join form_event_types
        on lower(coalesce(form_submissions.form_name, '')) like lower(form_event_types.form_name_pattern)

),

form_events as (

    select
        person_key,
        email,
        event_type,
        occurred_at,
        source_system,
        source_object,
        source_record_id,
        form_name
    from form_matches
    where match_rank = 1

),

email_events as (

    select
        {{ email_person_key('hubspot_email_events.recipient_email') }} as person_key,
        hubspot_email_events.recipient_email as email,
        email_event_types.event_type,
        hubspot_email_events.occurred_at,
        'hubspot' as source_system,
        'email_event' as source_object,
        hubspot_email_events.email_event_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as form_name
    from hubspot_email_events
    inner join email_event_types
        on hubspot_email_events.email_event_type = email_event_types.email_event_type
    where hubspot_email_events.recipient_email is not null

),

marketo_events as (

    select
        leads.person_key,
        leads.email,
        marketo_activity_types.event_type,
        marketo_activities.occurred_at,
        'marketo' as source_system,
        'activity' as source_object,
        marketo_activities.activity_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as form_name
    from marketo_activities
    inner join marketo_activity_types
        on marketo_activities.activity_type_id = marketo_activity_types.activity_type_id
    inner join identity_links as leads
        on leads.source_system = 'marketo'
        and leads.source_object = 'lead'
        and leads.source_record_id = marketo_activities.lead_id
    where not marketo_activities.is_form_fill_out

),

final as (

    select * from form_events

    union all

    select * from email_events

    union all

    select * from marketo_events

)

select * from final
