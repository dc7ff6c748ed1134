{#
    Every marketing cost input, one row per staged cost record, and whether the spend marts count
    it. The one place the precedence lives, so no cost counts twice:
      1. ad platform spend (Google, LinkedIn, Meta) always counts; it is tied to a CRM campaign and
         channel through the campaign mapping (by ad campaign id, else name);
      2. a Salesforce Campaign ActualCost is superseded by the ad spend mapped to that campaign;
      3. a Marketo program period cost is superseded by the Salesforce campaign of the same name.
    A campaign or program cost with no day to place it on (is_undated) is neither counted nor
    superseded. int_marketing_costs spreads the counted costs over days and channels; the spend
    gate reconciles these rows with the staged cost rows and with the spend mart.
#}

with

google_ads as (

    select * from {{ ref('stg_spend__google_ads') }}

),

linkedin_ads as (

    select * from {{ ref('stg_spend__linkedin_ads') }}

),

meta_ads as (

    select * from {{ ref('stg_spend__meta_ads') }}

),

campaign_mappings as (

    select * from {{ ref('stg_spend__campaign_mappings') }}

),

salesforce_campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

marketo_programs as (

    select * from {{ ref('stg_marketo__programs') }}

),

ad_spend as (

    select 'google_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from google_ads

    union all

    select 'linkedin_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from linkedin_ads

    union all

    select 'meta_ads' as cost_source, spend_date, campaign_id, campaign_name, currency_code, cost
    from meta_ads

),

ad_campaigns as (

    select distinct cost_source, campaign_id, campaign_name
    from ad_spend

),

ad_campaign_mapping_candidates as (

    select
        ad_campaigns.cost_source,
        ad_campaigns.campaign_id,
        ad_campaigns.campaign_name,
        campaign_mappings.crm_campaign_id,
        campaign_mappings.utm_campaign,
        campaign_mappings.channel as mapping_channel,
        row_number() over (
            partition by ad_campaigns.cost_source, ad_campaigns.campaign_id, ad_campaigns.campaign_name
            order by
                case when campaign_mappings.ad_campaign = ad_campaigns.campaign_id then 0 else 1 end,
                campaign_mappings.ad_campaign
        ) as mapping_rank
    from ad_campaigns
    inner join campaign_mappings
        on lower(trim(campaign_mappings.platform)) = ad_campaigns.cost_source
        and (
            campaign_mappings.ad_campaign = ad_campaigns.campaign_id
            or lower(trim(campaign_mappings.ad_campaign)) = lower(trim(ad_campaigns.campaign_name))
        )

),

ad_campaign_mappings as (

    select * from ad_campaign_mapping_candidates
    where mapping_rank = 1

),

ad_inputs as (

    select
        ad_spend.cost_source,
        'ad_spend' as cost_kind,
        ad_spend.spend_date as cost_date,
        cast(null as date) as campaign_end_date,
        ad_spend.campaign_id as source_campaign_id,
        ad_spend.campaign_name as source_campaign_name,
        mappings.crm_campaign_id,
        mappings.utm_campaign,
        mappings.mapping_channel as channel_value,
        mappings.cost_source is not null as is_mapped,
        ad_spend.currency_code,
        ad_spend.cost,
        true as is_counted,
        cast(null as {{ dbt.type_string() }}) as superseded_by,
        false as is_undated
    from ad_spend
    left join ad_campaign_mappings as mappings
        on mappings.cost_source = ad_spend.cost_source
        and mappings.campaign_id = ad_spend.campaign_id
        and coalesce(mappings.campaign_name, '') = coalesce(ad_spend.campaign_name, '')

),

ad_sources_by_campaign as (

    select distinct crm_campaign_id, cost_source
    from ad_inputs
    where crm_campaign_id is not null

),

campaigns_with_ad_spend as (

    select
        crm_campaign_id,
        {{ dbt.listagg('cost_source', "', '", 'order by cost_source') }} as ad_cost_sources
    from ad_sources_by_campaign
    group by crm_campaign_id

),

campaign_costs as (

    select
        campaigns.*,
        coalesce(campaigns.start_date, cast(campaigns.created_at as date)) as first_day,
        with_ad_spend.ad_cost_sources
    from salesforce_campaigns as campaigns
    left join campaigns_with_ad_spend as with_ad_spend
        on with_ad_spend.crm_campaign_id = campaigns.campaign_id
    where campaigns.actual_cost is not null
        and campaigns.actual_cost <> 0

),

campaign_inputs as (

    select
        'salesforce_campaign' as cost_source,
        'campaign_cost' as cost_kind,
        first_day as cost_date,
        end_date as campaign_end_date,
        campaign_id as source_campaign_id,
        campaign_name as source_campaign_name,
        campaign_id as crm_campaign_id,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        campaign_type as channel_value,
        true as is_mapped,
        upper(trim(currency_code)) as currency_code,
        actual_cost as cost,
        ad_cost_sources is null and first_day is not null as is_counted,
        ad_cost_sources as superseded_by,
        ad_cost_sources is null and first_day is null as is_undated
    from campaign_costs

),

campaign_names as (

    select distinct lower(trim(campaign_name)) as campaign_name_key
    from salesforce_campaigns
    where campaign_name is not null

),

program_costs as (

    select
        programs.*,
        campaign_names.campaign_name_key is not null as is_mirrored
    from marketo_programs as programs
    left join campaign_names
        on campaign_names.campaign_name_key = lower(trim(programs.program_name))
    where programs.cost is not null
        and programs.cost <> 0

),

program_inputs as (

    select
        'marketo_program' as cost_source,
        'program_cost' as cost_kind,
        cost_start_date as cost_date,
        cast(null as date) as campaign_end_date,
        program_id as source_campaign_id,
        program_name as source_campaign_name,
        cast(null as {{ dbt.type_string() }}) as crm_campaign_id,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        program_channel as channel_value,
        true as is_mapped,
        upper(trim(currency_code)) as currency_code,
        cost,
        not is_mirrored and cost_start_date is not null as is_counted,
        case when is_mirrored then 'salesforce_campaign' end as superseded_by,
        not is_mirrored and cost_start_date is null as is_undated
    from program_costs

),

final as (

    select * from ad_inputs

    union all

    select * from campaign_inputs

    union all

    select * from program_inputs

)

select * from final
