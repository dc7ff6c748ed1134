{# How source activity becomes canonical engagement events (`engagement_events` of the definitions file). #}

with

form_event_types as (

    {{ smarketing.definition_form_event_types() }}

),

email_event_types as (

    {{ smarketing.definition_email_event_types() }}

),

marketo_activity_types as (

    {{ smarketing.definition_marketo_activity_types() }}

),

final as (

    select
        'form_name_pattern' as rule_kind,
        pattern_order as rule_order,
        form_name_pattern as match_value,
        event_type
    from form_event_types

    union all

    select
        'hubspot_email_event_type' as rule_kind,
        cast(null as {{ dbt.type_int() }}) as rule_order,
        email_event_type as match_value,
        event_type
    from email_event_types

    union all

    select
        'marketo_activity_type_id' as rule_kind,
        cast(null as {{ dbt.type_int() }}) as rule_order,
        cast(activity_type_id as {{ dbt.type_string() }}) as match_value,
        event_type
    from marketo_activity_types

)

select * from final
