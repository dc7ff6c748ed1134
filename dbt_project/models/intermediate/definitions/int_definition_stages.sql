{# The funnel stages, in order, from the definitions file. #}

with

stages as (

    {{ smarketing.definition_stages() }}

),

final as (

    select
        stage_name,
        stage_order
    from stages

)

select * from final
