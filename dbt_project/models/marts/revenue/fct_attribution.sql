{#
    Multi-touch attribution of every opportunity under every model of `attribution.models` in the
    definitions version in force (definitions/README.md, Attribution). One row per opportunity,
    model and credited touch; an opportunity with no credited touch under a model gets ONE
    unattributed row (touch_id null, weight 1), so per opportunity and model the weights sum to 1
    and no amount is lost.

    A touch's raw credit is the sum of the model's weights of the positions it holds, plus, when
    it holds none of the model's weighted positions, its share of the model's `others` weight
    (equal shares, or shares proportional to a factor: 0.5 ^ (age before the last eligible touch /
    half_life_days) with a half-life; for the data-driven models, markov and shapley, the credit
    the model learnt for the touch's state, int_attribution_*_credits). When every factor of an
    opportunity's others is 0 (a data-driven model learnt no credit for any of its touches'
    states), they share equally. weight = raw credit / the opportunity's total raw credit under
    the model.

    attributed_pipeline = weight * amount_reporting (every opportunity), rounded half up to cents,
    the rounding remainder going to the row with the largest weight (then the earliest touch, then
    touch_id), so per opportunity and model they add up to amount_reporting to the cent;
    attributed_revenue = attributed_pipeline for won opportunities, 0 otherwise.

    The mart is narrow: it grows with opportunities times touches times models (tens of millions
    of rows at a million people), so it holds the keys, the numbers, the touch's channel and
    positions and the opportunity's outcome; what describes a touch (type, team, campaign, content,
    person, account) is in fct_touches (touch_id) and what describes an opportunity (amount, dates,
    stage) in fct_opportunities (opportunity_id, source_system), each stored once.

    The credits, weights and amounts are computed on narrow rows (keys and numbers; one row per
    eligible touch and model, which grows with touches times opportunities of an account); the
    touch's and the opportunity's descriptive columns are joined once at the end, instead of
    being carried through every step. Inside the model an opportunity, a touch and a model are
    numbers (opportunity_index and touch_index: row numbers in a fixed order; model_order), so the
    groupings and joins over those rows hash integers rather than ids and names; touch_index
    follows touch_id within an opportunity, so ordering by it is ordering by touch_id.
    Per-opportunity totals (an opportunity's total raw credit under a model: the weights of the
    positions its touches hold, plus the whole `others` weight when some other touch shares it;
    its rounded amounts, the row that takes the rounding remainder) are aggregates joined back, not
    windows over every touch row.

    Weights are rounded to 12 decimal places (macro fraction_places), so they sum to 1 within 1e-11
    per opportunity and model and the last bits of a division never differ between two builds.
    The per-opportunity totals are summed as decimals: a sum of doubles depends on the order the
    rows arrive in (0.8 or 0.7999999999999998), and the mart must not change with the physical
    order of its inputs (an incremental run and a full refresh store rows in different orders).
#}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

opportunity_touches as (

    select * from {{ ref('int_opportunity_touches') }}

),

models as (

    select * from {{ ref('int_definition_attribution_models') }}

),

markov_credits as (

    select * from {{ ref('int_attribution_markov_credits') }}

),

shapley_credits as (

    select * from {{ ref('int_attribution_shapley_credits') }}

),

indexed_opportunities as (

    select
        *,
        row_number() over (order by source_system, opportunity_id) as opportunity_index
    from opportunities

),

indexed_touches as (

    select
        opportunity_touches.touch_id,
        opportunity_touches.touch_at,
        opportunity_touches.channel,
        {%- if smarketing.definition_attribution_state_column() != 'channel' %}
        opportunity_touches.{{ smarketing.definition_attribution_state_column() }},
        {%- endif %}
        {%- for position in smarketing.attribution_positions() %}
        opportunity_touches.is_{{ position }},
        {%- endfor %}
        opportunity_touches.touch_sequence,
        opportunity_touches.seconds_before_last_touch,
        indexed_opportunities.opportunity_index,
        row_number() over (
            order by indexed_opportunities.opportunity_index, opportunity_touches.touch_id
        ) as touch_index
    from opportunity_touches
    inner join indexed_opportunities
        on indexed_opportunities.source_system = opportunity_touches.opportunity_source_system
        and indexed_opportunities.opportunity_id = opportunity_touches.opportunity_id

),

state_credits as (

    select attribution_method, state, credit from markov_credits
    union all
    select attribution_method, state, credit from shapley_credits

),

touch_credits as (

    select
        models.model_order,
        models.others_weight,
        opportunity_touches.opportunity_index,
        opportunity_touches.touch_index,
        opportunity_touches.touch_at,
        {%- for position in smarketing.attribution_positions() %}
        case when opportunity_touches.is_{{ position }} then models.{{ position }}_weight else 0 end
        {%- if not loop.last %} +{% endif %}
        {%- endfor %}
            as position_credit,
        not (
            {%- for position in smarketing.attribution_positions() %}
            (opportunity_touches.is_{{ position }} and models.{{ position }}_weight > 0)
            {%- if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as is_other_touch,
        case
            when models.attribution_method <> 'rules' then coalesce(state_credits.credit, 0)
            when models.half_life_days is null then 1
            else power(0.5, opportunity_touches.seconds_before_last_touch / (models.half_life_days * 86400.0))
        end as decay_factor
    from indexed_touches as opportunity_touches
    cross join models
    left join state_credits
        on state_credits.attribution_method = models.attribution_method
        and state_credits.state = opportunity_touches.{{ smarketing.definition_attribution_state_column() }}

),

opportunity_credit_sums as (

    select
        model_order,
        opportunity_index,
        sum(cast(position_credit as decimal(38, 18))) as position_credit_total,
        sum(case when is_other_touch then cast(decay_factor as decimal(38, 18)) else 0 end) as others_decay_total,
        sum(case when is_other_touch then 1 else 0 end) as others_count,
        max(others_weight) as others_weight
    from touch_credits
    group by model_order, opportunity_index

),

opportunity_credit_totals as (

    select
        model_order,
        opportunity_index,
        others_decay_total,
        others_count,
        position_credit_total
            + case when others_count > 0 then others_weight else 0 end as total_credit
    from opportunity_credit_sums

),

raw_credits as (

    select
        touch_credits.model_order,
        touch_credits.opportunity_index,
        touch_credits.touch_index,
        touch_credits.touch_at,
        touch_credits.position_credit
            + case
                when touch_credits.is_other_touch and totals.others_decay_total > 0
                    then touch_credits.others_weight * touch_credits.decay_factor / totals.others_decay_total
                when touch_credits.is_other_touch
                    then touch_credits.others_weight / totals.others_count
                else 0
            end as raw_credit,
        totals.total_credit
    from touch_credits
    inner join opportunity_credit_totals as totals
        on totals.model_order = touch_credits.model_order
        and totals.opportunity_index = touch_credits.opportunity_index

),

credited_touches as (

    select
        *,
        raw_credit / total_credit as weight
    from raw_credits
    where raw_credit > 0

),

credited_opportunities as (

    select
        model_order,
        opportunity_index
    from opportunity_credit_totals
    where total_credit > 0

),

attribution_rows as (

    select
        credited_touches.model_order,
        credited_touches.opportunity_index,
        credited_touches.touch_index,
        false as is_unattributed,
        cast({{ smarketing.round_fraction('credited_touches.weight') }} as {{ smarketing.type_double() }}) as weight,
        credited_touches.touch_at
    from credited_touches

    union all

    select
        models.model_order,
        opportunities.opportunity_index,
        cast(null as {{ dbt.type_bigint() }}) as touch_index,
        true as is_unattributed,
        cast(1 as {{ smarketing.type_double() }}) as weight,
        cast(null as {{ dbt.type_timestamp() }}) as touch_at
    from indexed_opportunities as opportunities
    cross join models
    left join credited_opportunities
        on credited_opportunities.model_order = models.model_order
        and credited_opportunities.opportunity_index = opportunities.opportunity_index
    where credited_opportunities.opportunity_index is null

),

amounts as (

    select
        attribution_rows.*,
        opportunities.amount_reporting
    from attribution_rows
    inner join indexed_opportunities as opportunities
        on opportunities.opportunity_index = attribution_rows.opportunity_index

),

rounded as (

    select
        *,
        cast(round(cast(round(weight * amount_reporting, 9) as decimal(38, 9)), 2) as decimal(18, 2)) as rounded_pipeline
    from amounts

),

rounded_totals as (

    select
        model_order,
        opportunity_index,
        sum(rounded_pipeline) as rounded_pipeline_total,
        {{ smarketing.first_in_order('coalesce(touch_index, 0)', ['-weight', 'touch_at', 'touch_index']) }}
            as remainder_touch_index
    from rounded
    group by model_order, opportunity_index

),

remainders as (

    select
        rounded.model_order,
        rounded.opportunity_index,
        rounded.touch_index,
        rounded.is_unattributed,
        rounded.weight,
        rounded.touch_at,
        cast(
            rounded.rounded_pipeline
            + case
                when coalesce(rounded.touch_index, 0) = rounded_totals.remainder_touch_index
                    then rounded.amount_reporting - rounded_totals.rounded_pipeline_total
                else 0
            end
            as decimal(18, 2)
        ) as attributed_pipeline
    from rounded
    inner join rounded_totals
        on rounded_totals.model_order = rounded.model_order
        and rounded_totals.opportunity_index = rounded.opportunity_index

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.source_system,
        opportunity_touches.touch_id,
        models.attribution_model,
        remainders.model_order,
        remainders.weight,
        cast(case when opportunities.is_won then remainders.attributed_pipeline else 0 end as decimal(18, 2))
            as attributed_revenue,
        remainders.attributed_pipeline,
        opportunities.reporting_currency,
        remainders.is_unattributed,
        opportunities.is_won,
        remainders.touch_at,
        opportunity_touches.channel,
        {%- for position in smarketing.attribution_positions() %}
        coalesce(opportunity_touches.is_{{ position }}, false) as is_{{ position }},
        {%- endfor %}
        opportunity_touches.touch_sequence
    from remainders
    inner join models
        on models.model_order = remainders.model_order
    inner join indexed_opportunities as opportunities
        on opportunities.opportunity_index = remainders.opportunity_index
    left join indexed_touches as opportunity_touches
        on opportunity_touches.touch_index = remainders.touch_index

)

select * from final
