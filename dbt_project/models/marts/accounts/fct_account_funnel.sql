{#
    The funnel at account grain: one row per unified account, when it first had a lead, MQL,
    SQL, opportunity and customer (and every other stage of the definitions) from its people and
    opportunities, its engaged contacts and buying-group size, source, first-touch campaign,
    segment and region. Built in int_account_funnel. BI-facing: no emails, no phone numbers.
#}

with

account_funnel as (

    select * from {{ ref('int_account_funnel') }}

),

final as (

    select * from account_funnel

)

select * from final
