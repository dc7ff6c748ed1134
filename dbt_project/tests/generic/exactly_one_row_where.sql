{#
    Fails unless exactly one row of the model meets the condition.
    data_tests:
      - exactly_one_row_where:
          arguments:
            condition: is_in_force
#}
{% test exactly_one_row_where(model, condition) %}

with

matching as (

    select count(*) as row_count
    from {{ model }}
    where {{ condition }}

)

select * from matching
where row_count <> 1

{% endtest %}
