{#
    The optional parts of the MQL rule (definitions/README.md, Stage entry): score decay, fit,
    the source score rule and LIKE-pattern exclusions. Absent or null settings switch a part off.
#}

{# Decimals MQL scores are rounded to before they are compared with the threshold and reported. #}
{% macro mql_score_decimals() %}
    {{ return(4) }}
{% endmacro %}


{# An optional setting of a version's `mql` section (none when absent). #}
{% macro mql_optional(version, path) %}
    {%- set ns = namespace(value=version.get('mql') or {}) -%}
    {%- for key in path.split('.') -%}
        {%- set ns.value = ns.value.get(key) if ns.value is mapping else none -%}
    {%- endfor -%}
    {{ return(ns.value) }}
{% endmacro %}


{# A version's score half-life in days (a positive number), or none without decay. #}
{% macro mql_half_life_days(version) %}
    {%- set half_life = smarketing.mql_optional(version, 'score_decay.half_life_days') -%}
    {%- if half_life is not none -%}
        {%- do smarketing.sql_number(half_life) -%}
        {%- if half_life <= 0 -%}
            {{ exceptions.raise_compiler_error("funnel definitions: `versions[" ~ version.get('version') ~ "].mql.score_decay.half_life_days` must be a positive number") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(half_life) }}
{% endmacro %}


{#
    The weight an event (`weight`, at `event_at`) still has at `at_time`:
    weight * 0.5 ^ (seconds between them / (half-life days * 86400)). `half_life_days` is a SQL
    expression (a column, or a literal); null means no decay. No decay at all when `half_life_days`
    is none.
#}
{% macro mql_decayed_weight(weight, event_at, at_time, half_life_days) -%}
    {%- if half_life_days is none -%}
        ({{ weight }})
    {%- else -%}
        ({{ weight }}) * coalesce(power(0.5, cast({{ dbt.datediff(event_at, at_time, 'second') }} as {{ dbt.type_float() }}) / (({{ half_life_days }}) * 86400.0)), 1)
    {%- endif -%}
{%- endmacro %}


{# A score expression rounded to the MQL score decimals. #}
{% macro mql_round_score(expression) -%}
    round(cast({{ expression }} as {{ dbt.type_float() }}), {{ smarketing.mql_score_decimals() }})
{%- endmacro %}


{# The version in force's half-life as a SQL literal (none without decay). #}
{% macro definition_mql_half_life_sql() %}
    {%- set half_life = smarketing.mql_half_life_days(smarketing.current_definition()) -%}
    {{ return(none if half_life is none else smarketing.sql_number(half_life)) }}
{% endmacro %}


{# The version in force's source score threshold as a SQL literal, or none when the rule is off. #}
{% macro definition_mql_source_score_threshold_sql() %}
    {%- set threshold = smarketing.mql_optional(smarketing.current_definition(), 'source_score_threshold') -%}
    {{ return(none if threshold is none else smarketing.sql_number(threshold)) }}
{% endmacro %}


{#
    The fit predicate of the version in force on a person (`region` is the person's sales region
    expression): true when the version names no fit regions.
#}
{% macro definition_mql_fit_predicate(region) %}
    {%- set regions = smarketing.mql_optional(smarketing.current_definition(), 'fit.regions') -%}
    {%- if regions is none -%}
        {{ return('(1 = 1)') }}
    {%- endif -%}
    {{ return('coalesce(' ~ smarketing.sql_in(region, regions) ~ ', false)') }}
{% endmacro %}


{# Excluded email domain LIKE patterns of the version in force: email_domain_pattern (lower case), exclusion_list. #}
{% macro definition_excluded_email_domain_patterns() %}
    {%- set rows = [] -%}
    {%- set exclusions = smarketing.definition_setting('mql.exclusions') or {} -%}
    {%- for exclusion_list in exclusions | sort if smarketing.is_pattern_exclusion(exclusion_list) -%}
        {%- for pattern in exclusions[exclusion_list] or [] -%}
            {%- do rows.append([pattern | string | trim | lower, exclusion_list]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['email_domain_pattern', 'string'], ['exclusion_list', 'string']], rows)) }}
{% endmacro %}


{# Exclusion lists whose name ends in _patterns hold LIKE patterns; the others hold domains. #}
{% macro is_pattern_exclusion(exclusion_list) %}
    {{ return((exclusion_list | string).endswith('_patterns')) }}
{% endmacro %}


{# Excluded email domain LIKE patterns of every version: definition_version, email_domain_pattern, exclusion_list. #}
{% macro definition_mql_version_exclusion_patterns() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.definition_sorted_versions() -%}
        {%- set where = 'versions[' ~ version.get('version') ~ '].' -%}
        {%- set exclusions = smarketing.definition_lookup(version, 'mql.exclusions', where) or {} -%}
        {%- for exclusion_list in exclusions | sort if smarketing.is_pattern_exclusion(exclusion_list) -%}
            {%- for pattern in exclusions[exclusion_list] or [] -%}
                {%- do rows.append([version.get('version') | string, pattern | string | trim | lower, exclusion_list]) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['email_domain_pattern', 'string'], ['exclusion_list', 'string']], rows)) }}
{% endmacro %}


{# Fit regions of every version that names some: definition_version, region. #}
{% macro definition_mql_version_fit_regions() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.definition_sorted_versions() -%}
        {%- for region in smarketing.mql_optional(version, 'fit.regions') or [] -%}
            {%- do rows.append([version.get('version') | string, region]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['definition_version', 'string'], ['region', 'string']], rows)) }}
{% endmacro %}
