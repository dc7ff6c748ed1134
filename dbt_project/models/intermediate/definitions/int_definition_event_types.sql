{#
    Every canonical event type the definitions name (classification targets and weighted types),
    with its role in the version in force: engagement weight, lead conversion, hand-raiser.
#}

with

classifications as (

    select * from {{ ref('int_definition_event_classifications') }}

),

engagement_weights as (

    select * from {{ ref('int_definition_engagement_weights') }}

),

event_types as (

    select event_type from classifications

    union

    select event_type from engagement_weights

),

final as (

    select
        event_types.event_type,
        coalesce(engagement_weights.engagement_weight, 0) as engagement_weight,
        {{ smarketing.sql_in('event_types.event_type', smarketing.definition_setting('lead.conversion_event_types')) }} as is_lead_conversion_event,
        {{ smarketing.sql_in('event_types.event_type', smarketing.definition_setting('mql.hand_raiser_event_types')) }} as is_hand_raiser_event
    from event_types
    left join engagement_weights
        on engagement_weights.event_type = event_types.event_type

)

select * from final
