{#
    Amounts that can never be negative (spend, pipeline, revenue): returns the offending rows.
    A warning in dbt, so the build goes on to the Great Expectations gates, which block the run
    and say which amount, how far below zero and how many rows (orchestration/closed_loop_checks.py).
        columns:
          - name: cost
            data_tests:
              - non_negative
#}
{% test non_negative(model, column_name) %}

{{ config(severity='warn') }}

select *
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
