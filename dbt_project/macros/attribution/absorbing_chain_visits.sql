{#
    The expected visits of an absorbing Markov chain, as a relation: for each scenario of
    `edges` (columns scenario, from_state, to_state, transition_probability; absorbing states
    have no outgoing edge), the probability mass in each transient state at each step, starting
    with mass 1 in `start_state` at step 0. Summing mass * P(state -> absorbing state) over the
    steps gives the probability of being absorbed there.

    The mass is pushed along the edges one step at a time until every state's mass is at most
    `tolerance` (mass below it is dropped) or `max_steps` is reached: the error of an absorption
    probability is at most tolerance x states x steps. Engine specific (a recursive query that
    aggregates in its recursive part), hence dispatched.
#}
{% macro absorbing_chain_visits(edges, start_state, tolerance, max_steps) %}
    {{ return(adapter.dispatch('absorbing_chain_visits', 'smarketing')(edges, start_state, tolerance, max_steps)) }}
{% endmacro %}

{% macro default__absorbing_chain_visits(edges, start_state, tolerance, max_steps) %}
    with recursive visits (scenario, step, state, mass) as (
        select distinct
            scenario,
            0,
            {{ start_state }},
            cast(1 as {{ smarketing.type_double() }})
        from {{ edges }}
        union all
        select
            visits.scenario,
            visits.step + 1,
            {{ edges }}.to_state,
            sum(visits.mass * {{ edges }}.transition_probability)
        from visits
        inner join {{ edges }}
            on {{ edges }}.scenario = visits.scenario
            and {{ edges }}.from_state = visits.state
            and {{ edges }}.is_to_transient
        where visits.mass > {{ tolerance }}
            and visits.step < {{ max_steps }}
        group by visits.scenario, visits.step + 1, {{ edges }}.to_state
    )
    select * from visits
{% endmacro %}
