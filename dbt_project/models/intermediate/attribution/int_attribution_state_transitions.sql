{#
    The transitions of the data-driven attribution journeys (int_attribution_journey_touches) as
    counts: from_state -> to_state, with the reserved states __start__ (before a journey's first
    touch), __conversion__ and __null__ (after the last touch of a converting or non-converting
    journey). One pass with lag() over each journey, no self-join.

    A repeat of the same state (a touch whose previous touch has the same state) is no transition:
    a self-loop does not change where a chain is absorbed (from a state with self-loop probability
    p, the other transitions happen with their probabilities / (1 - p)), and leaving it out makes
    the absorbing chain converge faster.
#}

with

journey_touches as (

    select * from {{ ref('int_attribution_journey_touches') }}

),

sequenced as (

    select
        journey_id,
        is_converting,
        state,
        reverse_sequence,
        lag(state) over (partition by journey_id order by touch_sequence) as previous_state,
        touch_sequence
    from journey_touches

),

transitions as (

    select
        case when touch_sequence = 1 then '__start__' else previous_state end as from_state,
        state as to_state
    from sequenced
    where touch_sequence = 1 or previous_state <> state

    union all

    select
        state as from_state,
        case when is_converting then '__conversion__' else '__null__' end as to_state
    from sequenced
    where reverse_sequence = 1

),

final as (

    select
        from_state,
        to_state,
        count(*) as transition_count
    from transitions
    group by from_state, to_state

)

select * from final
