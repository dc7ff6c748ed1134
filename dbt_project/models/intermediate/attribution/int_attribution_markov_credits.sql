{#
    Channel (state) credits of the `markov` attribution method: the first-order Markov chain
    removal effect (Anderl, Becker, von Wangenheim, Schumann, "Mapping the customer journey:
    Lessons learned from graph-based online attribution modeling", IJRM 33(3), 2016).

    States: __start__, each state of int_attribution_state_transitions, __conversion__ and __null__
    (absorbing). P(i -> j) = transitions i -> j / transitions out of i. P(conversion) is the
    probability that the chain started in __start__ is absorbed in __conversion__. Removing state c
    sends every transition into c to __null__; removal effect(c) = 1 - P(conversion | c removed) /
    P(conversion), and credit(c) = removal effect(c) / the sum of the removal effects, rounded to
    fraction_places() (12) decimals. No rows (no credit learned) below
    `attribution.data_driven.min_journeys` journeys or `min_converting_journeys` converting ones.

    The absorption probabilities come from pushing probability mass through the chain
    (absorbing_chain_visits) until no state holds more than 1e-15 of it (at most 100000 steps).
#}

with

transitions as (

    select * from {{ ref('int_attribution_state_transitions') }}

),

journey_counts as (

    select
        sum(case when from_state = '__start__' then transition_count else 0 end) as journey_count,
        sum(case when to_state = '__conversion__' then transition_count else 0 end) as converting_journey_count
    from transitions

),

probabilities as (

    select
        from_state,
        to_state,
        cast(transition_count as {{ smarketing.type_double() }})
            / sum(transition_count) over (partition by from_state) as transition_probability
    from transitions

),

states as (

    select distinct from_state as state
    from transitions
    where from_state <> '__start__'

),

scenarios as (

    select '__none__' as scenario
    union all
    select state as scenario from states

),

edges as (

    select
        scenarios.scenario,
        probabilities.from_state,
        case when probabilities.to_state = scenarios.scenario then '__null__' else probabilities.to_state end as to_state,
        probabilities.to_state not in ('__conversion__', '__null__', scenarios.scenario) as is_to_transient,
        probabilities.transition_probability
    from scenarios
    cross join probabilities
    where probabilities.from_state <> scenarios.scenario

),

visits as (

    {{ smarketing.absorbing_chain_visits('edges', "'__start__'", '1e-15', 100000) }}

),

conversion_probabilities as (

    select
        scenarios.scenario,
        coalesce(sum(visits.mass * edges.transition_probability), 0) as conversion_probability
    from scenarios
    left join visits
        on visits.scenario = scenarios.scenario
    left join edges
        on edges.scenario = visits.scenario
        and edges.from_state = visits.state
        and edges.to_state = '__conversion__'
    group by scenarios.scenario

),

removal_effects as (

    select
        removed.scenario as state,
        case
            when removed.conversion_probability >= base.conversion_probability then 0
            else 1 - removed.conversion_probability / base.conversion_probability
        end as removal_effect
    from conversion_probabilities as removed
    cross join conversion_probabilities as base
    cross join journey_counts
    where removed.scenario <> '__none__'
        and base.scenario = '__none__'
        and base.conversion_probability > 0
        and journey_counts.journey_count >= {{ smarketing.definition_attribution_min_journeys('min_journeys') }}
        and journey_counts.converting_journey_count >= {{ smarketing.definition_attribution_min_journeys('min_converting_journeys') }}

),

final as (

    select
        'markov' as attribution_method,
        state,
        case
            when sum(removal_effect) over () > 0 then {{ smarketing.round_fraction('removal_effect / sum(removal_effect) over ()') }}
            else 0
        end as credit
    from removal_effects

)

select * from final
