{#
    Every HubSpot deal with what its stage means (seed deal_stage_outcomes: open, won or lost), the
    one place the product decides whether a HubSpot deal is closed and won. In order, the first
    that knows:
    1. HubSpot's own flags, when the export carries them (Is Closed Won, Is Closed);
    2. the source's _source.yml `deal_stages` for the deal's pipeline, then for any pipeline;
    3. the default pipeline's stages (seed hubspot_deal_stages), by internal id or by an English or
       Spanish label, in any pipeline.
    Pipeline and stage match case-insensitively on the trimmed value. A stage none of them knows
    leaves stage_outcome null: the deal counts as open, and the deal_stages_are_classified gate
    blocks the run once its close date has passed.
#}

with

deals as (

    select * from {{ ref('stg_hubspot__deals') }}

),

outcomes as (

    select * from {{ ref('deal_stage_outcomes') }}

),

default_pipeline_stages as (

    select * from {{ ref('hubspot_deal_stages') }}

),

stage_settings as (

    select * from {{ ref('stg_ingest__deal_stage_settings') }}
    where source_system = 'hubspot'

),

default_stage_names as (

    select lower(trim(stage_id)) as stage_key, outcome from default_pipeline_stages

    union

    select lower(trim(label)) as stage_key, outcome from default_pipeline_stages

),

keyed as (

    select
        deals.*,
        lower(trim(deals.pipeline)) as pipeline_key,
        lower(trim(deals.deal_stage)) as stage_key,
        -- What HubSpot's flags say, null where they do not tell (no flags, or closed without Is Closed Won).
        case when deals.hubspot_is_closed_won then true else deals.hubspot_is_closed end as is_closed_in_hubspot,
        case when deals.hubspot_is_closed = false then false else deals.hubspot_is_closed_won end
            as is_won_in_hubspot
    from deals

),

matched as (

    select
        keyed.*,
        flagged.outcome as outcome_in_hubspot,
        pipeline_settings.stage_outcome as outcome_in_pipeline_settings,
        any_pipeline_settings.stage_outcome as outcome_in_any_pipeline_settings,
        default_stage_names.outcome as outcome_in_default_pipeline
    from keyed
    left join outcomes as flagged
        on flagged.is_closed = keyed.is_closed_in_hubspot
        and flagged.is_won = keyed.is_won_in_hubspot
    left join stage_settings as pipeline_settings
        on pipeline_settings.pipeline_key = keyed.pipeline_key
        and pipeline_settings.stage_key = keyed.stage_key
        and not pipeline_settings.is_any_pipeline
    left join stage_settings as any_pipeline_settings
        on any_pipeline_settings.stage_key = keyed.stage_key
        and any_pipeline_settings.is_any_pipeline
    left join default_stage_names
        on default_stage_names.stage_key = keyed.stage_key

),

classified as (

    select
        *,
        coalesce(
            outcome_in_hubspot,
            outcome_in_pipeline_settings,
            outcome_in_any_pipeline_settings,
            outcome_in_default_pipeline
        ) as stage_outcome,
        case
            when outcome_in_hubspot is not null then 'hubspot_flags'
            when outcome_in_pipeline_settings is not null or outcome_in_any_pipeline_settings is not null
                then 'source_settings'
            when outcome_in_default_pipeline is not null then 'default_pipeline'
        end as stage_classified_by
    from matched

),

final as (

    select
        classified.deal_id,
        classified.deal_name,
        classified.pipeline,
        classified.deal_stage,
        classified.stage_outcome,
        classified.stage_classified_by,
        classified.stage_outcome is not null as is_stage_classified,
        coalesce(outcomes.is_closed, false) as is_closed,
        coalesce(outcomes.is_won, false) as is_won,
        classified.amount,
        classified.currency_code,
        classified.close_at,
        classified.created_at,
        classified.owner_id,
        classified.associated_contact_ids,
        classified.associated_company_ids,
        classified.last_modified_at
    from classified
    left join outcomes
        on outcomes.outcome = classified.stage_outcome

)

select * from final
