{#
    Dates in the reporting time zone (definitions `reporting.timezone`).
#}

{# A UTC timestamp expression -> the calendar date it falls on in the reporting time zone. #}
{% macro reporting_date(timestamp) -%}
    {%- set time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' -%}
    cast({{ smarketing.utc_to_local(timestamp, smarketing.sql_string(time_zone)) }} as date)
{%- endmacro %}


{# A UTC timestamp expression -> the first day of its calendar month in the reporting time zone. #}
{% macro reporting_month(timestamp) -%}
    cast({{ dbt.date_trunc('month', smarketing.reporting_date(timestamp)) }} as date)
{%- endmacro %}


{#
    The date reports are computed as of (a date literal): the var `reporting_as_of` (ISO date)
    when given, else the run's start date in the reporting time zone.
#}
{% macro reporting_as_of_date() -%}
    {%- set pinned = var('reporting_as_of', none) -%}
    {%- if pinned -%}
        {%- set as_of = pinned | string -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of) -%}
            {{ exceptions.raise_compiler_error("var `reporting_as_of` must be an ISO date (YYYY-MM-DD), got " ~ as_of) }}
        {%- endif -%}
    {%- else -%}
        {%- set time_zone = smarketing.definition_global('reporting.timezone') -%}
        {%- set started = run_started_at or modules.datetime.datetime.now(modules.pytz.utc) -%}
        {%- if time_zone -%}
            {%- set started = started.astimezone(modules.pytz.timezone(time_zone)) -%}
        {%- endif -%}
        {%- set as_of = started.strftime('%Y-%m-%d') -%}
    {%- endif -%}
    cast({{ smarketing.sql_string(as_of) }} as date)
{%- endmacro %}
