{#
    Every marketing and sales touch of a person (definitions/README.md, Touches):

    - marketing: engagement events whose type is in `touches.engagement_event_types` (form fills,
      email clicks, web visits; the event type is the touch type) and responded Salesforce
      campaign members (campaign_attendance when the member's Status is in
      `touches.attended_member_statuses`, else campaign_response);
    - sales: Salesforce Tasks (sales_<subtype or type>, at CompletedDateTime else CreatedDate)
      and Events (sales_meeting, at StartDateTime) of the person's leads and contacts.

    UTM parameters come from the landing page (HubSpot form page URL, Marketo form and visit
    query parameters) or the clicked link (email clicks). Channel: the utm_medium's, else the
    campaign type's, else the touch type's (seed touch_channels), else 'Unmapped'. Campaign: the
    Salesforce campaign of the member, else the CRM campaign the campaign mapping gives the
    utm_campaign. touch_id = md5(source_system || ':' || source_object || ':' || record id).
#}

with

engagement_events as (

    select * from {{ ref('int_engagement_events') }}

),

hubspot_form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}

),

hubspot_email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}

),

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}

),

events as (

    select * from {{ ref('stg_salesforce__events') }}

),

campaign_mappings as (

    select * from {{ ref('stg_spend__campaign_mappings') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

persons as (

    select * from {{ ref('int_persons_unified') }}

),

touch_channels as (

    select * from {{ ref('touch_channels') }}

),

touch_event_types as (

    {{ smarketing.definition_touch_event_types() }}

),

salesforce_person_records as (

    select
        person_key,
        source_object,
        source_record_id
    from identity_links
    where source_system = 'salesforce'
        and not is_merged_record

),

{#
    The record an engagement event came from, one key column per source table, so each detail
    table joins on one equality (a hash join): a condition on the event's source inside a left
    join's `on` cannot hash and would compare every event with every detail row.
#}
engagement_event_sources as (

    select
        *,
        case
            when source_system = 'hubspot' and source_object = 'form_submission' then source_record_id
        end as hubspot_form_submission_id,
        case
            when source_system = 'hubspot' and source_object = 'email_event' then source_record_id
        end as hubspot_email_event_id,
        case when source_system = 'marketo' then source_record_id end as marketo_activity_id
    from engagement_events

),

engagement_touches as (

    select
        engagement_events.source_system,
        engagement_events.source_object,
        engagement_events.source_record_id,
        engagement_events.person_key,
        engagement_events.occurred_at as touch_at,
        engagement_events.event_type as touch_type,
        'marketing' as team,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        case
            when engagement_events.form_name is not null then engagement_events.form_name
            when hubspot_email_events.email_campaign_name is not null then hubspot_email_events.email_campaign_name
            else marketo_activities.primary_attribute_value
        end as content_asset,
        hubspot_email_events.email_campaign_name as email_name,
        coalesce(
            hubspot_form_submissions.page_url,
            hubspot_email_events.url,
            {{ smarketing.json_text_value('marketo_activities.attributes', 'Link') }},
            '?' || {{ smarketing.json_text_value('marketo_activities.attributes', 'Query Parameters') }}
        ) as url,
        cast(null as {{ dbt.type_string() }}) as campaign_member_status
    from engagement_event_sources as engagement_events
    inner join touch_event_types
        on touch_event_types.event_type = engagement_events.event_type
    left join hubspot_form_submissions
        on hubspot_form_submissions.form_submission_id = engagement_events.hubspot_form_submission_id
    left join hubspot_email_events
        on hubspot_email_events.email_event_id = engagement_events.hubspot_email_event_id
    left join marketo_activities
        on marketo_activities.activity_id = engagement_events.marketo_activity_id
    where engagement_events.person_key is not null
        and engagement_events.occurred_at is not null

),

{#
    A member is the person of its contact, else (no contact) of its lead: one person record key
    per member, so the join to person records hashes (an `or` of the two matches would compare
    every member with every person record).
#}
responded_campaign_members as (

    select
        *,
        'contact' as source_object,
        contact_id as source_record_id
    from campaign_members
    where contact_id is not null
        and coalesce(has_responded, false)

    union all

    select
        *,
        'lead' as source_object,
        lead_id as source_record_id
    from campaign_members
    where contact_id is null
        and coalesce(has_responded, false)

),

{#
    A member responded at FirstRespondedDate (a date); when that is the day the member was created
    (or is missing), the creation time is the more precise moment.
#}
campaign_member_touches as (

    select
        'salesforce' as source_system,
        'campaign_member' as source_object,
        campaign_members.campaign_member_id as source_record_id,
        person_records.person_key,
        case
            when campaign_members.first_responded_date is null
                or campaign_members.first_responded_date <= cast(campaign_members.created_at as date)
                then campaign_members.created_at
            else cast(campaign_members.first_responded_date as {{ dbt.type_timestamp() }})
        end as touch_at,
        case
            when {{ smarketing.sql_in('campaign_members.member_status', smarketing.definition_global('touches.attended_member_statuses') or []) }}
                then 'campaign_attendance'
            else 'campaign_response'
        end as touch_type,
        'marketing' as team,
        campaign_members.campaign_id,
        cast(null as {{ dbt.type_string() }}) as content_asset,
        cast(null as {{ dbt.type_string() }}) as email_name,
        cast(null as {{ dbt.type_string() }}) as url,
        campaign_members.member_status as campaign_member_status
    from responded_campaign_members as campaign_members
    inner join salesforce_person_records as person_records
        on person_records.source_object = campaign_members.source_object
        and person_records.source_record_id = campaign_members.source_record_id

),

sales_activities as (

    select
        'task' as source_object,
        task_id as source_record_id,
        who_id,
        coalesce(completed_at, created_at) as touch_at,
        'sales_' || coalesce(
            nullif(replace(lower(trim(coalesce(task_subtype, task_type))), ' ', '_'), ''),
            'task'
        ) as touch_type
    from tasks

    union all

    select
        'event' as source_object,
        event_id as source_record_id,
        who_id,
        started_at as touch_at,
        'sales_meeting' as touch_type
    from events

),

sales_touches as (

    select
        'salesforce' as source_system,
        sales_activities.source_object,
        sales_activities.source_record_id,
        person_records.person_key,
        sales_activities.touch_at,
        sales_activities.touch_type,
        'sales' as team,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as content_asset,
        cast(null as {{ dbt.type_string() }}) as email_name,
        cast(null as {{ dbt.type_string() }}) as url,
        cast(null as {{ dbt.type_string() }}) as campaign_member_status
    from sales_activities
    inner join salesforce_person_records as person_records
        on person_records.source_record_id = sales_activities.who_id
    where sales_activities.touch_at is not null

),

touches as (

    select * from engagement_touches

    union all

    select * from campaign_member_touches

    union all

    select * from sales_touches

),

with_utm as (

    select
        touches.*,
        lower({{ smarketing.url_query_parameter('touches.url', 'utm_source') }}) as utm_source,
        lower({{ smarketing.url_query_parameter('touches.url', 'utm_medium') }}) as utm_medium,
        {{ smarketing.url_query_parameter('touches.url', 'utm_campaign') }} as utm_campaign,
        {{ smarketing.url_query_parameter('touches.url', 'utm_content') }} as utm_content,
        {{ dbt.split_part(dbt.split_part('touches.url', "'?'", 1), "'#'", 1) }} as url_path
    from touches

),

mapped_utm_campaigns as (

    select
        lower(trim(utm_campaign)) as utm_campaign,
        min(crm_campaign_id) as crm_campaign_id
    from campaign_mappings
    where utm_campaign is not null
        and crm_campaign_id is not null
    group by lower(trim(utm_campaign))

),

final as (

    select
        {{ dbt.hash(dbt.concat(['with_utm.source_system', "':'", 'with_utm.source_object', "':'", 'with_utm.source_record_id'])) }} as touch_id,
        with_utm.source_system,
        with_utm.source_object,
        with_utm.source_record_id,
        with_utm.person_key,
        persons.account_key,
        with_utm.touch_at,
        with_utm.touch_type,
        with_utm.team,
        coalesce(utm_channels.channel, campaign_type_channels.channel, touch_type_channels.channel, 'Unmapped') as channel,
        campaigns.campaign_id,
        coalesce(campaigns.campaign_name, with_utm.utm_campaign, with_utm.email_name) as campaign_name,
        campaigns.campaign_type,
        with_utm.campaign_member_status,
        coalesce(with_utm.content_asset, with_utm.utm_content, nullif(with_utm.url_path, '')) as content_asset,
        with_utm.utm_source,
        with_utm.utm_medium,
        with_utm.utm_campaign,
        with_utm.utm_content
    from with_utm
    left join mapped_utm_campaigns
        on mapped_utm_campaigns.utm_campaign = lower(trim(with_utm.utm_campaign))
    left join campaigns
        on campaigns.campaign_id = coalesce(with_utm.campaign_id, mapped_utm_campaigns.crm_campaign_id)
    left join persons
        on persons.person_key = with_utm.person_key
    left join touch_channels as utm_channels
        on utm_channels.match_on = 'utm_medium'
        and lower(utm_channels.match_value) = with_utm.utm_medium
    left join touch_channels as campaign_type_channels
        on campaign_type_channels.match_on = 'campaign_type'
        and lower(campaign_type_channels.match_value) = lower(trim(campaigns.campaign_type))
    left join touch_channels as touch_type_channels
        on touch_type_channels.match_on = 'touch_type'
        and touch_type_channels.match_value = with_utm.touch_type

)

select * from final
