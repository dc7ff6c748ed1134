{# Engagement weights of the version in force (definitions `mql.engagement_weights`). #}

with

engagement_weights as (

    {{ smarketing.definition_engagement_weights() }}

),

final as (

    select
        event_type,
        engagement_weight
    from engagement_weights

)

select * from final
