{{ config(meta={"dagster": {"ref": {"name": "fct_attribution"}}}) }}

{#
    Per opportunity and attribution model: every weight in [0, 1], the weights summing to 1, the
    attributed pipeline summing to amount_reporting and the attributed revenue to the won amount
    (0 for an opportunity not won), to the cent. Returns the offending opportunities.
#}

with

attribution as (

    select * from {{ ref('fct_attribution') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

totals as (

    select
        attribution_model,
        opportunity_id,
        sum(weight) as weight_total,
        min(weight) as min_weight,
        max(weight) as max_weight,
        sum(attributed_pipeline) as attributed_pipeline,
        sum(attributed_revenue) as attributed_revenue
    from attribution
    group by attribution_model, opportunity_id

),

violations as (

    select
        totals.*,
        opportunities.amount_reporting,
        case when opportunities.is_won then opportunities.amount_reporting else 0 end as won_amount_reporting
    from totals
    inner join opportunities
        on opportunities.opportunity_id = totals.opportunity_id
    where totals.min_weight < 0
        or totals.max_weight > 1
        or abs(totals.weight_total - 1) > 0.000000001
        or totals.attributed_pipeline is distinct from opportunities.amount_reporting
        or totals.attributed_revenue is distinct from case when opportunities.is_won then opportunities.amount_reporting else 0 end

)

select * from violations
