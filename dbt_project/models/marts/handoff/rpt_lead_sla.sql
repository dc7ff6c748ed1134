{#
    The handoff SLA (definitions/README.md, Handoff SLA): one row per MQL handed to sales, with
    the time to the first sales touch on the calendar clock and on the business clock, and the
    SLA of the definitions version in force on the handoff date.

    Business time is counted on a calendar of local days per (version, clock time zone): each
    day's working window [start, end) from the version's business_hours, and the working seconds
    of all earlier days. The business seconds up to a local instant t are the earlier days'
    working seconds plus the part of t's own window before t; the business time between two
    instants is the difference. The business SLA deadline is the first instant at which the
    handoff's business seconds plus the SLA are reached.
#}

{%- set reporting_time_zone = smarketing.definition_global('reporting.timezone') or 'UTC' %}

with

handoffs as (

    select * from {{ ref('int_lead_handoffs') }}

),

sla_versions as (

    {{ smarketing.definition_handoff_versions() }}

),

working_weekdays as (

    {{ smarketing.definition_handoff_working_weekdays() }}

),

handoffs_as_of as (

    select
        handoffs.*,
        {{ smarketing.lead_sla_as_of() }} as as_of_at,
        coalesce(handoffs.owner_time_zone, {{ smarketing.sql_string(reporting_time_zone) }}) as clock_time_zone,
        cast({{ smarketing.utc_to_local('handoffs.handed_off_at', smarketing.sql_string(reporting_time_zone)) }} as date) as handed_off_date
    from handoffs

),

handoffs_in_force as (

    select
        handoffs_as_of.person_key,
        handoffs_as_of.handed_off_at,
        handoffs_as_of.handed_off_date,
        handoffs_as_of.as_of_at,
        case
            when handoffs_as_of.first_touch_at <= handoffs_as_of.as_of_at then handoffs_as_of.first_touch_at
        end as first_touch_at,
        handoffs_as_of.clock_time_zone,
        sla_versions.definition_version,
        sla_versions.sla_hours,
        sla_versions.sla_seconds,
        sla_versions.sla_clock,
        sla_versions.business_start_second,
        sla_versions.business_end_second
    from handoffs_as_of
    inner join sla_versions
        on sla_versions.effective_from <= handoffs_as_of.handed_off_date
        and (sla_versions.effective_to is null or handoffs_as_of.handed_off_date < sla_versions.effective_to)
    where handoffs_as_of.handed_off_at <= handoffs_as_of.as_of_at

),

clock_instants as (

    {# the instants business time is measured at, as local wall-clock times of the clock's zone #}
    select
        person_key,
        'handoff' as instant_kind,
        {{ smarketing.utc_to_local('handed_off_at', 'clock_time_zone') }} as local_at
    from handoffs_in_force

    union all

    select
        person_key,
        'first_touch' as instant_kind,
        {{ smarketing.utc_to_local('first_touch_at', 'clock_time_zone') }} as local_at
    from handoffs_in_force
    where first_touch_at is not null

    union all

    select
        person_key,
        'as_of' as instant_kind,
        {{ smarketing.utc_to_local('as_of_at', 'clock_time_zone') }} as local_at
    from handoffs_in_force

),

local_instants as (

    select
        person_key,
        instant_kind,
        cast(local_at as date) as local_date,
        {{ dbt.datediff('cast(cast(local_at as date) as ' ~ dbt.type_timestamp() ~ ')', 'local_at', 'second') }} as second_of_day
    from clock_instants

),

calendar_bounds as (

    select
        min(local_date) as first_date,
        cast({{ dbt.dateadd('day', smarketing.handoff_calendar_horizon_days(), 'max(local_date)') }} as date) as last_date
    from local_instants

),

day_numbers as (

    {{ dbt.generate_series(smarketing.handoff_calendar_max_days()) }}

),

calendar_dates as (

    select
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'calendar_bounds.first_date') }} as date) as local_date
    from day_numbers
    cross join calendar_bounds
    where day_numbers.generated_number - 1 <= {{ dbt.datediff('calendar_bounds.first_date', 'calendar_bounds.last_date', 'day') }}

),

clock_partitions as (

    select distinct
        definition_version,
        clock_time_zone,
        business_start_second,
        business_end_second
    from handoffs_in_force

),

calendar_days as (

    select
        clock_partitions.definition_version,
        clock_partitions.clock_time_zone,
        calendar_dates.local_date,
        clock_partitions.business_start_second,
        case
            when working_weekdays.weekday_index is not null
                then clock_partitions.business_end_second - clock_partitions.business_start_second
            else 0
        end as working_seconds
    from clock_partitions
    cross join calendar_dates
    left join working_weekdays
        on working_weekdays.definition_version = clock_partitions.definition_version
        and working_weekdays.weekday_index = {{ smarketing.iso_weekday_index('calendar_dates.local_date') }}

),

business_calendar as (

    select
        definition_version,
        clock_time_zone,
        local_date,
        business_start_second,
        working_seconds,
        coalesce(sum(working_seconds) over (
            partition by definition_version, clock_time_zone
            order by local_date
            rows between unbounded preceding and 1 preceding
        ), 0) as working_seconds_before
    from calendar_days

),

business_instants as (

    select
        local_instants.person_key,
        local_instants.instant_kind,
        business_calendar.working_seconds_before + case
            when business_calendar.working_seconds = 0 then 0
            when local_instants.second_of_day <= business_calendar.business_start_second then 0
            when local_instants.second_of_day >= business_calendar.business_start_second + business_calendar.working_seconds
                then business_calendar.working_seconds
            else local_instants.second_of_day - business_calendar.business_start_second
        end as business_seconds
    from local_instants
    inner join handoffs_in_force
        on handoffs_in_force.person_key = local_instants.person_key
    inner join business_calendar
        on business_calendar.definition_version = handoffs_in_force.definition_version
        and business_calendar.clock_time_zone = handoffs_in_force.clock_time_zone
        and business_calendar.local_date = local_instants.local_date

),

business_times as (

    select
        person_key,
        max(case when instant_kind = 'handoff' then business_seconds end) as handoff_business_seconds,
        max(case when instant_kind = 'first_touch' then business_seconds end) as first_touch_business_seconds,
        max(case when instant_kind = 'as_of' then business_seconds end) as as_of_business_seconds
    from business_instants
    group by person_key

),

business_deadlines as (

    select
        handoffs_in_force.person_key,
        {{ smarketing.local_to_utc(
            dbt.dateadd(
                'second',
                'business_calendar.business_start_second + business_times.handoff_business_seconds + handoffs_in_force.sla_seconds - business_calendar.working_seconds_before',
                'cast(business_calendar.local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'handoffs_in_force.clock_time_zone') }} as sla_due_at_business
    from handoffs_in_force
    inner join business_times
        on business_times.person_key = handoffs_in_force.person_key
    inner join business_calendar
        on business_calendar.definition_version = handoffs_in_force.definition_version
        and business_calendar.clock_time_zone = handoffs_in_force.clock_time_zone
        and business_calendar.working_seconds > 0
        and business_calendar.working_seconds_before < business_times.handoff_business_seconds + handoffs_in_force.sla_seconds
        and business_times.handoff_business_seconds + handoffs_in_force.sla_seconds
            <= business_calendar.working_seconds_before + business_calendar.working_seconds

),

elapsed as (

    select
        handoffs_in_force.*,
        {{ dbt.datediff('handoffs_in_force.handed_off_at', 'handoffs_in_force.first_touch_at', 'second') }} as seconds_to_first_touch_calendar,
        business_times.first_touch_business_seconds - business_times.handoff_business_seconds as seconds_to_first_touch_business,
        {{ dbt.datediff('handoffs_in_force.handed_off_at', 'handoffs_in_force.as_of_at', 'second') }} as seconds_to_as_of_calendar,
        business_times.as_of_business_seconds - business_times.handoff_business_seconds as seconds_to_as_of_business,
        {{ dbt.dateadd('second', 'handoffs_in_force.sla_seconds', 'handoffs_in_force.handed_off_at') }} as sla_due_at_calendar,
        business_deadlines.sla_due_at_business
    from handoffs_in_force
    inner join business_times
        on business_times.person_key = handoffs_in_force.person_key
    left join business_deadlines
        on business_deadlines.person_key = handoffs_in_force.person_key

),

on_sla_clock as (

    {# each clock names its own columns (seconds_to_first_touch_<clock>, ...) #}
    select
        person_key,
        case sla_clock
            {%- for clock in smarketing.definition_handoff_sla_clocks() %}
            when {{ smarketing.sql_string(clock) }} then seconds_to_first_touch_{{ clock }}
            {%- endfor %}
        end as seconds_to_first_touch_on_sla_clock,
        case sla_clock
            {%- for clock in smarketing.definition_handoff_sla_clocks() %}
            when {{ smarketing.sql_string(clock) }} then seconds_to_as_of_{{ clock }}
            {%- endfor %}
        end as seconds_to_as_of_on_sla_clock,
        case sla_clock
            {%- for clock in smarketing.definition_handoff_sla_clocks() %}
            when {{ smarketing.sql_string(clock) }} then sla_due_at_{{ clock }}
            {%- endfor %}
        end as sla_due_at
    from elapsed

),

final as (

    select
        handoffs.person_key,
        handoffs.lead_id,
        handoffs.handoff_rule,
        handoffs.mql_at,
        handoffs.handed_off_at,
        elapsed.handed_off_date,
        cast({{ dbt.date_trunc('month', 'elapsed.handed_off_date') }} as date) as handoff_month,
        handoffs.owner_id,
        handoffs.owner,
        handoffs.owner_department,
        handoffs.owner_title,
        handoffs.owner_time_zone,
        elapsed.clock_time_zone,
        handoffs.region,
        handoffs.segment,
        handoffs.channel,
        handoffs.original_source,
        handoffs.first_touch_campaign,
        elapsed.first_touch_at,
        case when elapsed.first_touch_at is not null then handoffs.first_touch_object end as first_touch_object,
        case when elapsed.first_touch_at is not null then handoffs.first_touch_type end as first_touch_type,
        round(elapsed.seconds_to_first_touch_calendar / 3600.0, 2) as hours_to_first_touch_calendar,
        round(elapsed.seconds_to_first_touch_business / 3600.0, 2) as hours_to_first_touch_business,
        round(on_sla_clock.seconds_to_first_touch_on_sla_clock / 3600.0, 2) as hours_to_first_touch_on_sla_clock,
        elapsed.definition_version,
        elapsed.sla_hours,
        elapsed.sla_clock,
        on_sla_clock.sla_due_at,
        elapsed.first_touch_at is null as is_untouched,
        handoffs.last_touch_before_handoff_at,
        handoffs.last_touch_before_handoff_at is not null as was_worked_before_handoff,
        coalesce(
            on_sla_clock.seconds_to_first_touch_on_sla_clock,
            on_sla_clock.seconds_to_as_of_on_sla_clock
        ) > elapsed.sla_seconds as is_sla_breached,
        elapsed.as_of_at
    from elapsed
    inner join handoffs
        on handoffs.person_key = elapsed.person_key
    inner join on_sla_clock
        on on_sla_clock.person_key = elapsed.person_key

)

select * from final
