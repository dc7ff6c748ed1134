{#
    MetricFlow's time spine: one row per UTC day, the calendar metrics are aggregated and joined
    on (metric_time). Covers every date the funnel can hold, with room on both sides.
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
