{#
    The handoff rules of EVERY version of the definitions file, for models that apply the version
    in force at each handoff (not only the run's version): the SLA, its clock and the business
    hours. definitions/README.md (Handoff SLA) fixes what they mean.
#}

{# Weekday names of business_hours.days, in ISO order; index 0 = Monday (see iso_weekday_index). #}
{% macro handoff_weekday_names() %}
    {{ return(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) }}
{% endmacro %}


{# "HH:MM" -> seconds after local midnight ("24:00" allowed as an end). #}
{% macro handoff_clock_seconds(value, where) %}
    {%- set match = modules.re.match('^([01][0-9]|2[0-4]):([0-5][0-9])$', value | string) -%}
    {%- if not match or (match.group(1) | int == 24 and match.group(2) | int != 0) -%}
        {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ "` must be a time HH:MM, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return((match.group(1) | int) * 3600 + (match.group(2) | int) * 60) }}
{% endmacro %}


{#
    The versions' handoff settings, validated: a list of mappings with definition_version,
    effective_from, effective_to (next version's effective_from, none for the last), sla_hours,
    sla_seconds, sla_clock, start_second, end_second, weekday_indexes. Versions without handoff
    settings (only the parse-time placeholder) are skipped.
#}
{% macro handoff_versions() %}
    {%- set versions = (smarketing.funnel_definitions().get('versions') or []) | sort(attribute='effective_from') -%}
    {%- set result = [] -%}
    {%- for version in versions -%}
        {%- set where = 'versions[' ~ version.get('version') ~ '].handoff' -%}
        {%- set handoff = version.get('handoff') or {} -%}
        {%- set hours = handoff.get('business_hours') -%}
        {%- if hours is none or handoff.get('sla_clock') is none -%}
            {%- if execute -%}
                {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ "` needs sla_hours, sla_clock and business_hours") }}
            {%- endif -%}
        {%- else -%}
            {%- set clock = handoff.get('sla_clock') -%}
            {%- if clock is not string or not modules.re.match('^[a-z][a-z0-9_]*$', clock) -%}
                {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ ".sla_clock` must be a lower-case name, got " ~ (clock | string)) }}
            {%- endif -%}
            {%- set sla_hours = handoff.get('sla_hours') -%}
            {%- do smarketing.sql_number(sla_hours) -%}
            {%- set start_second = smarketing.handoff_clock_seconds(hours.get('start'), where ~ '.business_hours.start') -%}
            {%- set end_second = smarketing.handoff_clock_seconds(hours.get('end'), where ~ '.business_hours.end') -%}
            {%- if end_second <= start_second -%}
                {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ ".business_hours` must end after it starts") }}
            {%- endif -%}
            {%- set weekday_indexes = [] -%}
            {%- for day in hours.get('days') or [] -%}
                {%- if day not in smarketing.handoff_weekday_names() -%}
                    {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ ".business_hours.days` lists weekdays (mon..sun), got " ~ (day | string)) }}
                {%- endif -%}
                {%- do weekday_indexes.append(smarketing.handoff_weekday_names().index(day)) -%}
            {%- endfor -%}
            {%- do result.append({
                'definition_version': version.get('version') | string,
                'effective_from': (version.get('effective_from') | string)[:10],
                'effective_to': (versions[loop.index0 + 1].get('effective_from') | string)[:10] if not loop.last else none,
                'sla_hours': sla_hours,
                'sla_seconds': (sla_hours * 3600) | round | int,
                'sla_clock': clock,
                'start_second': start_second,
                'end_second': end_second,
                'weekday_indexes': weekday_indexes | unique | list,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result) }}
{% endmacro %}


{#
    The versions' handoff settings as a relation: definition_version, effective_from, effective_to
    (null for the latest), sla_hours, sla_seconds, sla_clock, business_start_second,
    business_end_second (seconds after local midnight).
#}
{% macro definition_handoff_versions() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.handoff_versions() -%}
        {%- do rows.append([
            version.definition_version, version.effective_from, version.effective_to, version.sla_hours,
            version.sla_seconds, version.sla_clock, version.start_second, version.end_second]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['effective_from', 'date'], ['effective_to', 'date'],
        ['sla_hours', 'number'], ['sla_seconds', 'integer'], ['sla_clock', 'string'],
        ['business_start_second', 'integer'], ['business_end_second', 'integer']], rows)) }}
{% endmacro %}


{# Working weekdays per version: definition_version, weekday_index (0 = Monday .. 6 = Sunday). #}
{% macro definition_handoff_working_weekdays() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.handoff_versions() -%}
        {%- for weekday_index in version.weekday_indexes -%}
            {%- do rows.append([version.definition_version, weekday_index]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['definition_version', 'string'], ['weekday_index', 'integer']], rows)) }}
{% endmacro %}


{#
    The SLA clocks the versions use, sorted. Each clock names the columns a model computes for it
    (`seconds_to_first_touch_<clock>` ...), as the stage names do, so no clock name is a literal.
#}
{% macro definition_handoff_sla_clocks() %}
    {%- set clocks = [] -%}
    {%- for version in smarketing.handoff_versions() -%}
        {%- do clocks.append(version.sla_clock) -%}
    {%- endfor -%}
    {{ return(clocks | unique | sort | list) }}
{% endmacro %}


{#
    Days a handoff calendar must reach past its last date so that every SLA deadline falls inside
    it: enough whole weeks for the longest SLA at the fewest working hours a week, plus one.
#}
{% macro handoff_calendar_horizon_days() %}
    {%- set ns = namespace(weeks=1) -%}
    {%- for version in smarketing.handoff_versions() -%}
        {%- set weekly_seconds = (version.end_second - version.start_second) * (version.weekday_indexes | length) -%}
        {%- if weekly_seconds > 0 -%}
            {%- set weeks = (version.sla_seconds / weekly_seconds) | round(0, 'ceil') | int + 1 -%}
            {%- set ns.weeks = [ns.weeks, weeks] | max -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.weeks * 7) }}
{% endmacro %}


{#
    The instant the SLA reports are computed as of (UTC timestamp literal): the var
    `lead_sla_as_of` ('YYYY-MM-DD HH:MM[:SS]', UTC) when given, else the run's start time.
#}
{% macro lead_sla_as_of() %}
    {%- set pinned = var('lead_sla_as_of', none) -%}
    {%- if pinned -%}
        {%- set pinned = pinned | string -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$', pinned) -%}
            {{ exceptions.raise_compiler_error("var `lead_sla_as_of` must be a UTC timestamp YYYY-MM-DD HH:MM:SS, got " ~ pinned) }}
        {%- endif -%}
        {%- set as_of = pinned | replace('T', ' ') -%}
    {%- else -%}
        {%- set started = run_started_at or modules.datetime.datetime.now(modules.pytz.utc) -%}
        {%- set as_of = started.astimezone(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {{ return('cast(' ~ smarketing.sql_string(as_of) ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{% endmacro %}


{# Most days a handoff calendar spans (2^15 days, some 89 years): the size of its day series. #}
{% macro handoff_calendar_max_days() %}
    {{ return(2 ** 15) }}
{% endmacro %}
