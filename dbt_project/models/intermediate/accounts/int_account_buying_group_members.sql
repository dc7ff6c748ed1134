{#
    The buying group of each account: one row per account, person and contact role of the
    Salesforce contact roles (OpportunityContactRole) on the account's opportunities. A person in
    two roles has two rows; the same role on two opportunities is one row. Converted-lead links
    and HubSpot deal associations carry no role and are not part of the buying group.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

opportunity_person_links as (

    select * from {{ ref('int_opportunity_person_links') }}

),

final as (

    select distinct
        opportunities.account_key,
        links.person_key,
        links.contact_role
    from opportunity_person_links as links
    inner join opportunities
        on opportunities.source_system = links.source_system
        and opportunities.opportunity_id = links.opportunity_id
    where links.link_rule = 'contact_role'
        and opportunities.account_key is not null

)

select * from final
