with

source as (

    select * from {{ source('hubspot', 'contacts') }}

),

versions as (

    {{ latest_source_versions('source', source('hubspot', 'contacts')) }}

),

renamed as (

    select
        {{ clean_id('hs_object_id') }} as contact_id,
        firstname as first_name,
        lastname as last_name,
        {{ normalise_email('email') }} as email,
        phone as phone,
        company as company_name,
        jobtitle as job_title,
        country as country,
        lifecyclestage as lifecycle_stage,
        hs_lead_status as lead_status,
        hubspotscore as hubspot_score,
        hs_analytics_source as original_source,
        hs_analytics_source_data_1 as original_source_drill_down_1,
        hs_analytics_source_data_2 as original_source_drill_down_2,
        {{ clean_id('hubspot_owner_id') }} as owner_id,
        {{ clean_id('associatedcompanyid') }} as associated_company_id,
        createdate as created_at,
        lastmodifieddate as last_modified_at,
        hs_lifecyclestage_subscriber_date as hubspot_became_subscriber_at,
        hs_lifecyclestage_lead_date as hubspot_became_lead_at,
        hs_lifecyclestage_marketingqualifiedlead_date as hubspot_became_mql_at,
        hs_lifecyclestage_salesqualifiedlead_date as hubspot_became_sql_at,
        hs_lifecyclestage_opportunity_date as hubspot_became_opportunity_at,
        hs_lifecyclestage_customer_date as hubspot_became_customer_at,
        hs_lifecyclestage_evangelist_date as hubspot_became_evangelist_at,
        {{ clean_id('hs_merged_object_ids') }} as merged_contact_ids
    from versions

)

select * from renamed
