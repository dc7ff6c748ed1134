{#
    The governed funnel definitions.

    definitions/funnel_definitions.yml is the one place the funnel rules live. dbt reads it from
    the macro funnel_definitions_file() (macros/definitions/funnel_definitions_file.sql, written
    from the file by `smarketing prepare`, orchestration/dbt_generated.py), so `dbt build`,
    `dbt docs generate` and `dbt parse` need no flags. A `funnel_definitions` var wins over the
    file: the pipeline passes the file it validated, and `smarketing what-if` a proposed one:

        dbt build --vars "$(smarketing definitions --json)"
        # i.e. --vars '{"funnel_definitions": <the parsed file as JSON>}'

    Models never write a rule's value: they read it through these macros and render it with the
    literal helpers (sql_literals.sql) or as small relations (definition_relations.sql).

    Optional var `funnel_definitions_as_of` (ISO date) pins the date that picks the version in
    force; by default it is the run's start date in the reporting timezone.
#}

{% macro funnel_definitions() %}
    {%- set definitions = var('funnel_definitions', none) -%}
    {%- if definitions is string -%}
        {%- set definitions = fromjson(definitions, none) -%}
    {%- endif -%}
    {%- if definitions is none -%}
        {%- set definitions = smarketing.funnel_definitions_file() -%}
    {%- endif -%}
    {%- if definitions is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var `funnel_definitions` must be the parsed definitions file (a mapping with reporting, "
            ~ "stages, segments, engagement_events, versions); got: " ~ (definitions | string)[:200]) }}
    {%- endif -%}
    {{ return(definitions) }}
{% endmacro %}


{#
    What parsing sees when no version of the definitions is in force yet (every effective_from
    is later than the as-of date): a well-formed but empty version (currency XXX is ISO 4217's
    "no currency"), so models render. It never builds anything: at execution that is an error.
#}
{% macro funnel_definitions_placeholder() %}
    {{ return({
        'reporting': {'currency': 'XXX', 'timezone': none},
        'stages': [],
        'segments': [],
        'engagement_events': {'form_event_types': [], 'email_event_types': {}, 'marketo_activity_types': {}},
        'touches': {'engagement_event_types': [], 'attended_member_statuses': []},
        'versions': [{
            'version': 'unparsed',
            'effective_from': '0001-01-01',
            'owner': none,
            'description': none,
            'lead': {'conversion_event_types': [], 'crm_lead_record_counts': false},
            'mql': {
                'score_threshold': 0,
                'engagement_weights': {},
                'hand_raiser_event_types': [],
                'exclusions': {},
            },
            'sql': {'qualifying_lead_statuses': [], 'opportunity_created_qualifies': false},
            'evangelist': {'advocacy_form_names': []},
            'handoff': {'sla_hours': 0, 'sla_clock': none},
            'recycle': {'reentry_stage': none},
            'attribution': {'lookback_days': 0, 'models': {}, 'data_driven': none},
        }],
    }) }}
{% endmacro %}


{# The date (YYYY-MM-DD) that picks the version in force. #}
{% macro definitions_as_of_date() %}
    {%- set pinned = var('funnel_definitions_as_of', none) -%}
    {%- if pinned -%}
        {%- set pinned = pinned | string -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', pinned) -%}
            {{ exceptions.raise_compiler_error("var `funnel_definitions_as_of` must be an ISO date (YYYY-MM-DD), got " ~ pinned) }}
        {%- endif -%}
        {{ return(pinned) }}
    {%- endif -%}
    {%- set timezone = (funnel_definitions().get('reporting') or {}).get('timezone') -%}
    {%- set started = run_started_at or modules.datetime.datetime.now(modules.pytz.utc) -%}
    {%- if timezone -%}
        {%- set started = started.astimezone(modules.pytz.timezone(timezone)) -%}
    {%- endif -%}
    {{ return(started.strftime('%Y-%m-%d')) }}
{% endmacro %}


{#
    The version in force: the one with the latest effective_from on or before the as-of date.
    (effective_from values are ISO dates, so they order as text.)
#}
{% macro current_definition() %}
    {%- set definitions = funnel_definitions() -%}
    {%- set as_of = smarketing.definitions_as_of_date() -%}
    {%- set versions = definitions.get('versions') -%}
    {%- if versions is none or versions is string or versions is mapping or versions | length == 0 -%}
        {{ exceptions.raise_compiler_error("funnel definitions: `versions` must be a non-empty list") }}
    {%- endif -%}
    {%- set ns = namespace(current=none, current_from=none) -%}
    {%- for version in versions -%}
        {%- set effective_from = (version.get('effective_from') | string)[:10] -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', effective_from) -%}
            {{ exceptions.raise_compiler_error("funnel definitions: versions[" ~ loop.index0 ~ "].effective_from must be an ISO date, got " ~ version.get('effective_from')) }}
        {%- endif -%}
        {%- if effective_from <= as_of and (ns.current_from is none or effective_from >= ns.current_from) -%}
            {%- set ns.current = version -%}
            {%- set ns.current_from = effective_from -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.current is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("funnel definitions: no version is in force on " ~ as_of ~ " (every effective_from is later)") }}
        {%- endif -%}
        {{ return(smarketing.funnel_definitions_placeholder()['versions'][0]) }}
    {%- endif -%}
    {{ return(ns.current) }}
{% endmacro %}


{#
    A setting of the version in force, by dotted path: definition_setting('mql.score_threshold').
    A missing key is a compile error naming the key and the version.
#}
{% macro definition_setting(path) %}
    {%- set version = smarketing.current_definition() -%}
    {{ return(smarketing.definition_lookup(version, path, 'versions[' ~ version.get('version') ~ '].')) }}
{% endmacro %}


{# A top-level setting of the file, by dotted path: definition_global('reporting.currency'). #}
{% macro definition_global(path) %}
    {{ return(smarketing.definition_lookup(smarketing.funnel_definitions(), path, '')) }}
{% endmacro %}


{% macro definition_lookup(root, path, where) %}
    {%- set ns = namespace(value=root, walked=[]) -%}
    {%- for key in path.split('.') -%}
        {%- set ns.walked = ns.walked + [key] -%}
        {%- if ns.value is mapping and key in ns.value -%}
            {%- set ns.value = ns.value[key] -%}
        {%- elif execute -%}
            {{ exceptions.raise_compiler_error("funnel definitions: `" ~ where ~ (ns.walked | join('.')) ~ "` is missing from the definitions file") }}
        {%- else -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.value) }}
{% endmacro %}


{#
    The funnel stage names, in order. They name mart columns (became_<stage>_at), so each must
    be a lower-case identifier.
#}
{% macro definition_stage_names() %}
    {%- set stages = smarketing.definition_global('stages') or [] -%}
    {%- if execute and stages | length == 0 -%}
        {{ exceptions.raise_compiler_error("funnel definitions: `stages` must list the funnel stages") }}
    {%- endif -%}
    {%- for stage in stages -%}
        {%- if stage is not string or not modules.re.match('^[a-z][a-z0-9_]*$', stage) -%}
            {{ exceptions.raise_compiler_error("funnel definitions: stage names must be lower-case identifiers, got " ~ (stage | string)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(stages) }}
{% endmacro %}


{#
    The funnel stage a setting belongs to: the section of a version is named after the stage its
    rules define (`sql.qualifying_lead_statuses` -> sql). A compile error when the section is not
    a stage, so a model can label rows with the stage a rule defines without writing its name.
#}
{% macro definition_section_stage(path) %}
    {%- set section = path.split('.')[0] -%}
    {%- set stages = smarketing.definition_stage_names() -%}
    {%- if execute and section not in stages -%}
        {{ exceptions.raise_compiler_error("funnel definitions: `" ~ section ~ "` is not a funnel stage") }}
    {%- endif -%}
    {{ return(section) }}
{% endmacro %}
