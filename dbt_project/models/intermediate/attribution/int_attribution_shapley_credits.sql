{#
    Channel (state) credits of the `shapley` attribution method: the Shapley value (Shapley 1953;
    for attribution Shao and Li, KDD 2011, and Dalessandro et al., ADKDD 2012) of each state in the
    game whose value of a coalition S of states is the number of converting journeys
    (int_attribution_journey_touches) whose set of states is contained in S.

    That game is the sum over converting journeys of the unanimity game of the journey's state set
    J (worth 1 exactly when S contains J), and the Shapley value of a unanimity game is 1 / |J| to
    each member of J, 0 to everyone else; Shapley values add up over games. So each converting
    journey gives 1 / |J| to each of its states: exact, without enumerating coalitions. A state
    only on non-converting journeys gets 0. Credit = that sum / the number of converting journeys
    (credits add up to 1), rounded to fraction_places() (12) decimals. No rows below
    `attribution.data_driven.min_journeys` journeys or `min_converting_journeys` converting ones.
    #}

with

journey_touches as (

    select * from {{ ref('int_attribution_journey_touches') }}

),

journey_counts as (

    select
        count(distinct journey_id) as journey_count,
        count(distinct case when is_converting then journey_id end) as converting_journey_count
    from journey_touches

),

states as (

    select distinct state
    from journey_touches

),

journey_states as (

    select distinct
        journey_id,
        state
    from journey_touches
    where is_converting

),

journey_sizes as (

    select
        journey_id,
        count(*) as state_count
    from journey_states
    group by journey_id

),

state_values as (

    select
        journey_states.state,
        sum(cast(1 as decimal(38, 18)) / journey_sizes.state_count) as shapley_value
    from journey_states
    inner join journey_sizes
        on journey_sizes.journey_id = journey_states.journey_id
    group by journey_states.state

),

final as (

    select
        'shapley' as attribution_method,
        states.state,
        {{ smarketing.round_fraction('cast(coalesce(state_values.shapley_value, 0) / journey_counts.converting_journey_count as ' ~ smarketing.type_double() ~ ')') }} as credit
    from states
    cross join journey_counts
    left join state_values
        on state_values.state = states.state
    where journey_counts.journey_count >= {{ smarketing.definition_attribution_min_journeys('min_journeys') }}
        and journey_counts.converting_journey_count >= {{ smarketing.definition_attribution_min_journeys('min_converting_journeys') }}

)

select * from final
