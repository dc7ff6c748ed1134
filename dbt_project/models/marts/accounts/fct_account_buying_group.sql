{#
    Buying groups by role: one row per account and contact role (Salesforce OpportunityContactRole
    Role; null when blank), the distinct people in that role on the account's opportunities. A
    person in two roles counts in both; fct_account_funnel.buying_group_size counts each person once.
#}

with

buying_group_members as (

    select * from {{ ref('int_account_buying_group_members') }}

),

final as (

    select
        account_key,
        contact_role,
        count(distinct person_key) as people
    from buying_group_members
    group by account_key, contact_role

)

select * from final
