{#
    Handoffs to sales (definitions/README.md, Handoff SLA): one row per person who reached MQL by
    the governed rule and has a Salesforce lead. The handoff lead is the person's earliest-created
    lead; handed_off_at is the later of its CreatedDate and the governed MQL time (a lead synced
    at MQL is handed off when it is created, a lead that already existed when the person became
    an MQL is handed off at the MQL time). The owner is the lead's owner at handoff, or, when a
    queue owned it then, the first user it was assigned to afterwards. The first sales touch is
    the earliest Task (completed, else created) or Event (start) on any of the person's
    Salesforce leads or contacts at or after handoff; the latest one before handoff is kept
    apart (sales already working the person when marketing handed it over).
#}

with

funnel as (

    select * from {{ ref('int_funnel_persons') }}

),

mql_entries as (

    select * from {{ ref('int_funnel_mql_entries') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history_entries') }}

),

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}

),

events as (

    select * from {{ ref('stg_salesforce__events') }}

),

person_leads as (

    select
        links.person_key,
        leads.lead_id,
        leads.created_at as lead_created_at,
        leads.owner_id as current_owner_id,
        row_number() over (
            partition by links.person_key
            order by leads.created_at, leads.lead_id
        ) as lead_rank
    from identity_links as links
    inner join leads
        on leads.lead_id = links.source_record_id
    where links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and not links.is_merged_record

),

handoffs as (

    select
        funnel.person_key,
        person_leads.lead_id,
        person_leads.lead_created_at,
        person_leads.current_owner_id,
        funnel.became_mql_at as mql_at,
        case
            when person_leads.lead_created_at < funnel.became_mql_at then funnel.became_mql_at
            else person_leads.lead_created_at
        end as handed_off_at,
        case
            when person_leads.lead_created_at < funnel.became_mql_at then 'mql_with_existing_lead'
            else 'lead_created_at_mql'
        end as handoff_rule
    from funnel
    inner join mql_entries
        on mql_entries.person_key = funnel.person_key
    inner join person_leads
        on person_leads.person_key = funnel.person_key
        and person_leads.lead_rank = 1
    where mql_entries.mql_own_at is not null
        and funnel.became_mql_at is not null

),

owner_changes as (

    select
        lead_id,
        lead_history_id,
        created_at,
        old_value,
        new_value,
        row_number() over (partition by lead_id order by created_at, lead_history_id) as change_rank
    from lead_history
    where field_name = 'Owner'
        and data_type = 'EntityId'

),

ownership_periods as (

    {# Who owned each handoff lead from when: its first owner from creation, then every change. #}
    select
        handoffs.lead_id,
        coalesce(first_changes.old_value, handoffs.current_owner_id) as owner_id,
        handoffs.lead_created_at as owned_from,
        0 as change_rank
    from handoffs
    left join owner_changes as first_changes
        on first_changes.lead_id = handoffs.lead_id
        and first_changes.change_rank = 1

    union all

    select
        owner_changes.lead_id,
        owner_changes.new_value as owner_id,
        owner_changes.created_at as owned_from,
        owner_changes.change_rank
    from owner_changes
    inner join handoffs
        on handoffs.lead_id = owner_changes.lead_id

),

owners_in_force as (

    {# the period in force at handoff: the latest that started at or before it #}
    select
        handoffs.person_key,
        ownership_periods.owner_id,
        row_number() over (
            partition by handoffs.person_key
            order by ownership_periods.owned_from desc, ownership_periods.change_rank desc
        ) as period_rank
    from handoffs
    inner join ownership_periods
        on ownership_periods.lead_id = handoffs.lead_id
    where ownership_periods.owned_from <= handoffs.handed_off_at

),

later_user_owners as (

    {# users the lead was assigned to after handoff, first first #}
    select
        handoffs.person_key,
        ownership_periods.owner_id,
        row_number() over (
            partition by handoffs.person_key
            order by ownership_periods.owned_from, ownership_periods.change_rank
        ) as period_rank
    from handoffs
    inner join ownership_periods
        on ownership_periods.lead_id = handoffs.lead_id
    inner join users
        on users.user_id = ownership_periods.owner_id
    where ownership_periods.owned_from > handoffs.handed_off_at

),

owners_at_handoff as (

    {# the owner at handoff when a user, else the first user after it #}
    select
        handoffs.person_key,
        case
            when in_force_users.user_id is not null then owners_in_force.owner_id
            else later_user_owners.owner_id
        end as owner_id
    from handoffs
    left join owners_in_force
        on owners_in_force.person_key = handoffs.person_key
        and owners_in_force.period_rank = 1
    left join users as in_force_users
        on in_force_users.user_id = owners_in_force.owner_id
    left join later_user_owners
        on later_user_owners.person_key = handoffs.person_key
        and later_user_owners.period_rank = 1

),

person_records as (

    select
        person_key,
        source_record_id as who_id
    from identity_links
    where source_system = 'salesforce'
        and (source_object = 'lead' or source_object = 'contact')
        and not is_merged_record

),

sales_touches as (

    select
        task_id as touch_id,
        'task' as touch_object,
        coalesce(task_type, task_subtype) as touch_type,
        who_id,
        coalesce(completed_at, created_at) as touched_at
    from tasks

    union all

    select
        event_id as touch_id,
        'event' as touch_object,
        event_type as touch_type,
        who_id,
        started_at as touched_at
    from events

),

handoff_touches as (

    {# every sales touch on the person's Salesforce records, with the handoff it is measured against #}
    select
        handoffs.person_key,
        handoffs.handed_off_at,
        sales_touches.touch_id,
        sales_touches.touch_object,
        sales_touches.touch_type,
        sales_touches.touched_at
    from handoffs
    inner join person_records
        on person_records.person_key = handoffs.person_key
    inner join sales_touches
        on sales_touches.who_id = person_records.who_id

),

touches_after_handoff as (

    select
        person_key,
        touch_id,
        touch_object,
        touch_type,
        touched_at,
        row_number() over (
            partition by person_key
            order by touched_at, touch_object desc, touch_id
        ) as touch_rank
    from handoff_touches
    where touched_at >= handed_off_at

),

touches_before_handoff as (

    select
        person_key,
        max(touched_at) as last_touch_before_handoff_at
    from handoff_touches
    where touched_at < handed_off_at
    group by person_key

),

final as (

    select
        handoffs.person_key,
        handoffs.lead_id,
        handoffs.handoff_rule,
        handoffs.mql_at,
        handoffs.lead_created_at,
        handoffs.handed_off_at,
        owners_at_handoff.owner_id,
        users.full_name as owner,
        users.department as owner_department,
        users.job_title as owner_title,
        users.time_zone as owner_time_zone,
        funnel.region,
        funnel.segment,
        funnel.channel,
        funnel.original_source,
        funnel.first_touch_campaign,
        first_touches.touched_at as first_touch_at,
        first_touches.touch_object as first_touch_object,
        first_touches.touch_type as first_touch_type,
        first_touches.touch_id as first_touch_id,
        touches_before_handoff.last_touch_before_handoff_at
    from handoffs
    inner join funnel
        on funnel.person_key = handoffs.person_key
    left join owners_at_handoff
        on owners_at_handoff.person_key = handoffs.person_key
    left join users
        on users.user_id = owners_at_handoff.owner_id
    left join touches_after_handoff as first_touches
        on first_touches.person_key = handoffs.person_key
        and first_touches.touch_rank = 1
    left join touches_before_handoff
        on touches_before_handoff.person_key = handoffs.person_key

)

select * from final
