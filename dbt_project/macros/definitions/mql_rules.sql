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


{#
    The widest span of one partition, in half-lives, that mql_running_score_ctes sums in one pass;
    2 ^ 900 is far inside a double's range (2 ^ 1023). Wider partitions are summed pairwise.
#}
{% macro mql_linear_span_limit() %}
    {{ return(900) }}
{% endmacro %}


{#
    CTEs `<name>_aged` and `<name>` (and `<name>_spans` with decay): the decayed running score at each
    instant of `instants` (a relation or CTE with one row per partition and `occurred_at`, and an
    `instant_score`), the sum over the partition's instants up to and including it of
    instant_score * 0.5 ^ (half-lives between them), as `running_score` (not rounded), next to
    `partition_columns`, `occurred_at` and `carried_columns`. `half_life_days` is a SQL expression
    (a literal, or a column of `instants`; null means no decay), or none for no decay at all.

    With a = half-lives since the partition's first instant, the score at instant i is
    0.5 ^ a_i * sum over j <= i of (instant_score_j * 2 ^ a_j): one running window sum, linear in
    the partition's instants, where the pairwise sum is quadratic. Every term is positive, so
    nothing cancels. Partitions spanning more than mql_linear_span_limit() half-lives (where 2 ^ a
    would leave a double's range) take the pairwise sum instead.
#}
{% macro mql_running_score_ctes(name, instants, partition_columns, carried_columns=[], half_life_days=none) %}
    {%- set partition_by = partition_columns | join(', ') -%}
{%- if half_life_days is none %}
{{ name }}_aged as (

    select
        {%- for column in partition_columns + carried_columns %}
        {{ column }},
        {%- endfor %}
        occurred_at,
        instant_score,
        cast(0 as {{ smarketing.type_double() }}) as age_half_lives,
        cast(0 as {{ smarketing.type_double() }}) as span_half_lives
    from {{ instants }}

),
{%- else %}
{{ name }}_spans as (

    select
        {%- for column in partition_columns %}
        {{ column }},
        {%- endfor %}
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from {{ instants }}
    group by {{ partition_by }}

),

{{ name }}_aged as (

    select
        {%- for column in partition_columns + carried_columns %}
        instants.{{ column }},
        {%- endfor %}
        instants.occurred_at,
        instants.instant_score,
        coalesce(
            cast({{ dbt.datediff('spans.first_occurred_at', 'instants.occurred_at', 'second') }} as {{ smarketing.type_double() }})
                / (({{ half_life_days }}) * 86400.0),
            0
        ) as age_half_lives,
        coalesce(
            cast({{ dbt.datediff('spans.first_occurred_at', 'spans.last_occurred_at', 'second') }} as {{ smarketing.type_double() }})
                / (({{ half_life_days }}) * 86400.0),
            0
        ) as span_half_lives
    from {{ instants }} as instants
    inner join {{ name }}_spans as spans
        on
        {%- for column in partition_columns %}
        spans.{{ column }} = instants.{{ column }}
        {%- if not loop.last %} and{% endif %}
        {%- endfor %}

),
{%- endif %}

{{ name }} as (

    select
        {%- for column in partition_columns + carried_columns %}
        {{ column }},
        {%- endfor %}
        occurred_at,
        power(0.5, age_half_lives) * sum(instant_score * power(2.0, age_half_lives)) over (
            partition by {{ partition_by }}
            order by occurred_at
            rows between unbounded preceding and current row
        ) as running_score
    from {{ name }}_aged
    where span_half_lives <= {{ smarketing.mql_linear_span_limit() }}

    union all

    select
        {%- for column in partition_columns + carried_columns %}
        instants.{{ column }},
        {%- endfor %}
        instants.occurred_at,
        sum(earlier.instant_score * power(0.5, instants.age_half_lives - earlier.age_half_lives)) as running_score
    from {{ name }}_aged as instants
    inner join {{ name }}_aged as earlier
        on
        {%- for column in partition_columns %}
        earlier.{{ column }} = instants.{{ column }} and
        {%- endfor %}
        earlier.occurred_at <= instants.occurred_at
    where instants.span_half_lives > {{ smarketing.mql_linear_span_limit() }}
        and earlier.span_half_lives > {{ smarketing.mql_linear_span_limit() }}
    group by
        {%- for column in partition_columns + carried_columns %}
        instants.{{ column }},
        {%- endfor %}
        instants.occurred_at

)
{%- endmacro %}
