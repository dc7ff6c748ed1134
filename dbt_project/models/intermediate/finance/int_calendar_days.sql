{#
    One row per calendar day, for spreading amounts over date ranges (a campaign's cost over its
    days). Covers every date the warehouse can hold, with room on both sides.
#}

with

days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('2000-01-01' as date)",
        end_date="cast('2051-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
