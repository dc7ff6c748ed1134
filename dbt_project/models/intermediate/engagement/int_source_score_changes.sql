{#
    The source systems' own lead score history, per person: Marketo "Change Score" activities with
    the score after each change. (HubSpot exports only a contact's current score, which cannot date
    when it was reached, so it does not appear here.)
#}

with

marketo_activities as (

    select * from {{ ref('stg_marketo__activities') }}

),

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

final as (

    select
        leads.person_key,
        'marketo' as source_system,
        marketo_activities.activity_id as source_record_id,
        marketo_activities.occurred_at as changed_at,
        marketo_activities.new_score
    from marketo_activities
    inner join identity_links as leads
        on leads.source_system = 'marketo'
        and leads.source_object = 'lead'
        and leads.source_record_id = marketo_activities.lead_id
    where marketo_activities.is_score_change
        and marketo_activities.new_score is not null

)

select * from final
