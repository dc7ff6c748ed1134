{#
    Sales' rejections of leads (definitions/README.md, Lead-quality feedback): one row per
    Salesforce LeadHistory change of Status into a disqualified or recycled status of the version
    in force. The reason is the Disqualification_Reason__c change recorded on the lead at the same
    instant; without one, the lead's current Disqualification_Reason__c when the lead still has
    that status.
#}

with

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history_entries') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

funnel as (

    select * from {{ ref('int_funnel_persons') }}

),

status_rejections as (

    select
        lead_history_id,
        lead_id,
        created_at as rejected_at,
        old_value as previous_status,
        new_value as rejection_status,
        case
            when {{ smarketing.sql_in('new_value', smarketing.definition_setting('handoff.disqualified_lead_statuses') or []) }}
                then 'disqualification'
            else 'recycle'
        end as rejection_type
    from lead_history
    where is_status_change
        and (
            {{ smarketing.sql_in('new_value', smarketing.definition_setting('handoff.disqualified_lead_statuses') or []) }}
            or {{ smarketing.sql_in('new_value', smarketing.definition_setting('handoff.recycled_lead_statuses') or []) }}
        )

),

reason_changes as (

    select
        lead_id,
        created_at,
        new_value as reason,
        row_number() over (partition by lead_id, created_at order by lead_history_id desc) as reason_rank
    from lead_history
    where lower(field_name) = lower('Disqualification_Reason__c')

),

final as (

    select
        rejections.lead_history_id,
        rejections.lead_id,
        links.person_key,
        rejections.rejected_at,
        rejections.rejection_type,
        rejections.rejection_status,
        rejections.previous_status,
        coalesce(
            nullif(trim(reason_changes.reason), ''),
            case when leads.lead_status = rejections.rejection_status then leads.disqualification_reason end
        ) as rejection_reason,
        case
            when nullif(trim(reason_changes.reason), '') is not null then 'lead_history'
            when leads.lead_status = rejections.rejection_status and leads.disqualification_reason is not null then 'lead_record'
        end as rejection_reason_source,
        funnel.channel,
        funnel.original_source,
        funnel.first_touch_campaign,
        funnel.region,
        funnel.segment
    from status_rejections as rejections
    left join reason_changes
        on reason_changes.lead_id = rejections.lead_id
        and reason_changes.created_at = rejections.rejected_at
        and reason_changes.reason_rank = 1
    left join leads
        on leads.lead_id = rejections.lead_id
    left join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and links.source_record_id = rejections.lead_id
        and not links.is_merged_record
    left join funnel
        on funnel.person_key = links.person_key

)

select * from final
