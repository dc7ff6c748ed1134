{#
    Wall-clock time in a time zone. Timestamps in the warehouse are UTC instants stored without a
    zone; these convert them to and from the local wall-clock time of an IANA zone (an SQL
    expression, e.g. a column). Engine specific, hence dispatched.

        utc_to_local('handed_off_at', 'owner_time_zone')   -- local wall-clock timestamp
        local_to_utc('due_local_at', 'owner_time_zone')    -- back to the UTC instant
#}
{% macro utc_to_local(timestamp, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'smarketing')(timestamp, time_zone)) }}
{%- endmacro %}

{% macro local_to_utc(timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'smarketing')(timestamp, time_zone)) }}
{%- endmacro %}


{# PostgreSQL and engines with AT TIME ZONE #}
{% macro default__utc_to_local(timestamp, time_zone) -%}
    (({{ timestamp }}) at time zone 'UTC' at time zone ({{ time_zone }}))
{%- endmacro %}

{% macro default__local_to_utc(timestamp, time_zone) -%}
    (({{ timestamp }}) at time zone ({{ time_zone }}) at time zone 'UTC')
{%- endmacro %}


{# DuckDB (ICU): timezone(zone, timestamp) reads a wall-clock time in the zone, timezone(zone, timestamptz) renders an instant in it. #}
{% macro duckdb__utc_to_local(timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ timestamp }}))
{%- endmacro %}

{% macro duckdb__local_to_utc(timestamp, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ timestamp }}))
{%- endmacro %}


{% macro spark__utc_to_local(timestamp, time_zone) -%}
    from_utc_timestamp({{ timestamp }}, {{ time_zone }})
{%- endmacro %}

{% macro spark__local_to_utc(timestamp, time_zone) -%}
    to_utc_timestamp({{ timestamp }}, {{ time_zone }})
{%- endmacro %}


{% macro snowflake__utc_to_local(timestamp, time_zone) -%}
    convert_timezone('UTC', {{ time_zone }}, {{ timestamp }})
{%- endmacro %}

{% macro snowflake__local_to_utc(timestamp, time_zone) -%}
    convert_timezone({{ time_zone }}, 'UTC', {{ timestamp }})
{%- endmacro %}


{#
    Day of the week of a date as 0 (Monday) .. 6 (Sunday), portably: days since Monday
    1900-01-01, modulo 7 (date_part('dow') numbers days differently on every engine).
#}
{% macro iso_weekday_index(date) -%}
    mod({{ dbt.datediff("cast('1900-01-01' as date)", date, 'day') }}, 7)
{%- endmacro %}
