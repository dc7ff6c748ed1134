{#
    The first-touch campaign of each person with a Salesforce CampaignMember record: the campaign
    of their earliest membership (by creation, then member id), through a lead or a contact.
#}

with

identity_links as (

    select * from {{ ref('int_person_identity_links') }}

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

person_campaign_memberships as (

    select
        links.person_key,
        members.campaign_member_id,
        members.campaign_id,
        members.created_at
    from campaign_members as members
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'lead'
        and links.source_record_id = members.lead_id

    union all

    select
        links.person_key,
        members.campaign_member_id,
        members.campaign_id,
        members.created_at
    from campaign_members as members
    inner join identity_links as links
        on links.source_system = 'salesforce'
        and links.source_object = 'contact'
        and links.source_record_id = members.contact_id

),

first_touches as (

    {{ first_by('person_campaign_memberships', 'person_key', ['campaign_id', 'created_at'], 'campaign_member_id',
                'created_at, campaign_member_id') }}

),

final as (

    select
        first_touches.person_key,
        first_touches.campaign_id as first_touch_campaign_id,
        campaigns.campaign_name as first_touch_campaign,
        first_touches.created_at as first_touch_at
    from first_touches
    left join campaigns
        on campaigns.campaign_id = first_touches.campaign_id

)

select * from final
