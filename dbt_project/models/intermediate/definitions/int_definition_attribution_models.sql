{#
    The attribution models of the version in force (definitions `attribution.models`): one row per
    model with its method (rules, or the data-driven markov or shapley), the weight of each key
    position of a path (<position>_weight), the weight the other touches share (others_weight) and
    the half-life that decays it (definitions/README.md, Attribution and Data-driven attribution).
#}

with

attribution_models as (

    {{ smarketing.definition_attribution_models() }}

),

final as (

    select * from attribution_models

)

select * from final
