{#
    The governed marketing + sales funnel: one row per person, when they entered each stage
    under the definitions version in force. BI-facing: no emails, no phone numbers. Built in
    int_funnel_persons, which the handoff and attribution models read too.
#}

with

funnel_persons as (

    select * from {{ ref('int_funnel_persons') }}

),

final as (

    select * from funnel_persons

)

select * from final
