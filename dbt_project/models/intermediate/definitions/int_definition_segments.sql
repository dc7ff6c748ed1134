{# Account segment bands by number of employees, from the definitions file. #}

with

segments as (

    {{ smarketing.definition_segments() }}

),

final as (

    select
        segment_name,
        segment_order,
        max_employees
    from segments

)

select * from final
