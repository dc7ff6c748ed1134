{#
    The definitions' mapping lists as small relations (`select ... union all select ...`), for
    models to use as CTEs: `weights as ({{ smarketing.definition_engagement_weights() }})`.
#}

{# The funnel stages in order: stage_name, stage_order (1 = first). #}
{% macro definition_stages() %}
    {%- set rows = [] -%}
    {%- for stage in smarketing.definition_global('stages') or [] -%}
        {%- do rows.append([stage, loop.index]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['stage_name', 'string'], ['stage_order', 'integer']], rows)) }}
{% endmacro %}


{# Segment bands: segment_name, segment_order, max_employees (null = no upper bound). #}
{% macro definition_segments() %}
    {%- set rows = [] -%}
    {%- for segment in smarketing.definition_global('segments') or [] -%}
        {%- do rows.append([segment.get('name'), loop.index, segment.get('max_employees')]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['segment_name', 'string'], ['segment_order', 'integer'], ['max_employees', 'integer']], rows)) }}
{% endmacro %}


{# The label of accounts without an employee count. #}
{% macro definition_unknown_segment_name() %}
    {{ return(smarketing.funnel_definitions().get('unknown_segment_name', 'Unknown')) }}
{% endmacro %}


{# Form name -> event type: pattern_order (first match wins), form_name_pattern (LIKE), event_type. #}
{% macro definition_form_event_types() %}
    {%- set rows = [] -%}
    {%- for rule in smarketing.definition_global('engagement_events.form_event_types') or [] -%}
        {%- do rows.append([loop.index, rule.get('pattern'), rule.get('event_type')]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['pattern_order', 'integer'], ['form_name_pattern', 'string'], ['event_type', 'string']], rows)) }}
{% endmacro %}


{# HubSpot marketing email event type -> event type: email_event_type (upper case), event_type. #}
{% macro definition_email_event_types() %}
    {%- set rows = [] -%}
    {%- set mapping = smarketing.definition_global('engagement_events.email_event_types') or {} -%}
    {%- for email_event_type in mapping | sort -%}
        {%- do rows.append([email_event_type | string | trim | upper, mapping[email_event_type]]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['email_event_type', 'string'], ['event_type', 'string']], rows)) }}
{% endmacro %}


{# Marketo activity type id -> event type: activity_type_id, event_type. #}
{% macro definition_marketo_activity_types() %}
    {%- set rows = [] -%}
    {%- set mapping = smarketing.definition_global('engagement_events.marketo_activity_types') or {} -%}
    {%- for activity_type_id in mapping | sort -%}
        {%- do rows.append([activity_type_id, mapping[activity_type_id]]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['activity_type_id', 'integer'], ['event_type', 'string']], rows)) }}
{% endmacro %}


{# Engagement weights of the version in force: event_type, engagement_weight. #}
{% macro definition_engagement_weights() %}
    {%- set rows = [] -%}
    {%- set weights = smarketing.definition_setting('mql.engagement_weights') or {} -%}
    {%- for event_type in weights | sort -%}
        {%- do rows.append([event_type, weights[event_type]]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['event_type', 'string'], ['engagement_weight', 'number']], rows)) }}
{% endmacro %}


{# Email domains excluded from MQL in the version in force: email_domain (lower case), exclusion_list (not the *_patterns lists). #}
{% macro definition_excluded_email_domains() %}
    {%- set rows = [] -%}
    {%- set exclusions = smarketing.definition_setting('mql.exclusions') or {} -%}
    {%- for exclusion_list in exclusions | sort if not smarketing.is_pattern_exclusion(exclusion_list) -%}
        {%- for domain in exclusions[exclusion_list] or [] -%}
            {%- do rows.append([domain | string | trim | lower, exclusion_list]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['email_domain', 'string'], ['exclusion_list', 'string']], rows)) }}
{% endmacro %}


{# Every version in the file: version, effective_from, owner, description, is_in_force. #}
{% macro definition_versions() %}
    {%- set rows = [] -%}
    {%- set current = smarketing.current_definition() -%}
    {%- for version in smarketing.definition_global('versions') or [] -%}
        {%- do rows.append([
            version.get('version') | string,
            (version.get('effective_from') | string)[:10],
            version.get('owner'),
            (version.get('description') | trim) if version.get('description') else none,
            version.get('version') == current.get('version'),
        ]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['effective_from', 'date'], ['owner', 'string'],
        ['description', 'string'], ['is_in_force', 'boolean']], rows)) }}
{% endmacro %}


{#
    The MQL rules of EVERY version, for models that apply the version in force at each instant
    ("as defined then") rather than the run's version. Versions in effective_from order; a version
    is in force from its effective_from (a date in reporting.timezone) until the next one's.
#}
{% macro definition_sorted_versions() %}
    {%- set versions = (smarketing.definition_global('versions') or []) | sort(attribute='effective_from') -%}
    {{ return(versions) }}
{% endmacro %}


{#
    definition_version, effective_from, effective_to (null for the latest), score_threshold,
    half_life_days (null: no decay), source_score_threshold (null: off), has_fit_regions.
#}
{% macro definition_mql_versions() %}
    {%- set rows = [] -%}
    {%- set versions = smarketing.definition_sorted_versions() -%}
    {%- for version in versions -%}
        {%- set where = 'versions[' ~ version.get('version') ~ '].' -%}
        {%- do rows.append([
            version.get('version') | string,
            (version.get('effective_from') | string)[:10],
            (versions[loop.index0 + 1].get('effective_from') | string)[:10] if not loop.last else none,
            smarketing.definition_lookup(version, 'mql.score_threshold', where),
            smarketing.mql_half_life_days(version),
            smarketing.mql_optional(version, 'source_score_threshold'),
            smarketing.mql_optional(version, 'fit.regions') is not none,
        ]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['effective_from', 'date'], ['effective_to', 'date'],
        ['score_threshold', 'number'], ['half_life_days', 'number'], ['source_score_threshold', 'number'],
        ['has_fit_regions', 'boolean']], rows)) }}
{% endmacro %}


{# Engagement weights of every version: definition_version, event_type, engagement_weight, is_hand_raiser. #}
{% macro definition_mql_version_event_types() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.definition_sorted_versions() -%}
        {%- set where = 'versions[' ~ version.get('version') ~ '].' -%}
        {%- set weights = smarketing.definition_lookup(version, 'mql.engagement_weights', where) or {} -%}
        {%- set hand_raisers = smarketing.definition_lookup(version, 'mql.hand_raiser_event_types', where) or [] -%}
        {%- for event_type in (weights.keys() | list + hand_raisers | list) | unique | sort -%}
            {%- do rows.append([version.get('version') | string, event_type, weights.get(event_type, 0), event_type in hand_raisers]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['event_type', 'string'], ['engagement_weight', 'number'],
        ['is_hand_raiser', 'boolean']], rows)) }}
{% endmacro %}


{# Excluded email domains of every version: definition_version, email_domain (lower case), exclusion_list. #}
{% macro definition_mql_version_exclusions() %}
    {%- set rows = [] -%}
    {%- for version in smarketing.definition_sorted_versions() -%}
        {%- set where = 'versions[' ~ version.get('version') ~ '].' -%}
        {%- set exclusions = smarketing.definition_lookup(version, 'mql.exclusions', where) or {} -%}
        {%- for exclusion_list in exclusions | sort if not smarketing.is_pattern_exclusion(exclusion_list) -%}
            {%- for domain in exclusions[exclusion_list] or [] -%}
                {%- do rows.append([version.get('version') | string, domain | string | trim | lower, exclusion_list]) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([
        ['definition_version', 'string'], ['email_domain', 'string'], ['exclusion_list', 'string']], rows)) }}
{% endmacro %}


{# Engagement event types that are marketing touches (definitions `touches`): event_type. #}
{% macro definition_touch_event_types() %}
    {%- set rows = [] -%}
    {%- for event_type in smarketing.definition_global('touches.engagement_event_types') or [] -%}
        {%- do rows.append([event_type]) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows([['event_type', 'string']], rows)) }}
{% endmacro %}


{#
    The key positions of a path that attribution models can weight, in the order of the
    `<position>_weight` columns of definition_attribution_models().
#}
{% macro attribution_positions() %}
    {{ return(['first_touch', 'lead_creation', 'opportunity_creation', 'closed_won', 'last_touch']) }}
{% endmacro %}


{#
    The attribution models of the version in force: attribution_model, model_order,
    attribution_method (rules, markov or shapley), one <position>_weight per attribution position
    (0 when the model does not weight it), others_weight, half_life_days (null: the others share
    equally). A data-driven model (markov, shapley) weights no position and gives the others
    weight 1, shared in proportion to the credits it learns (int_attribution_state_credits).
    definitions/README.md (Attribution) fixes what they mean.
#}
{% macro definition_attribution_models() %}
    {%- set models = smarketing.definition_setting('attribution.models') or {} -%}
    {%- set columns = [['attribution_model', 'string'], ['model_order', 'integer'], ['attribution_method', 'string']] -%}
    {%- for position in smarketing.attribution_positions() -%}
        {%- do columns.append([position ~ '_weight', 'number']) -%}
    {%- endfor -%}
    {%- do columns.append(['others_weight', 'number']) -%}
    {%- do columns.append(['half_life_days', 'number']) -%}
    {%- set rows = [] -%}
    {%- for name in models -%}
        {%- set model = models[name] or {} -%}
        {%- set method = model.get('method', 'rules') -%}
        {%- if method not in smarketing.attribution_methods() -%}
            {{ exceptions.raise_compiler_error("funnel definitions: attribution model " ~ name ~ " has an unknown method " ~ method) }}
        {%- endif -%}
        {%- set positions = model.get('positions') or {} -%}
        {%- for position in positions if position not in smarketing.attribution_positions() -%}
            {{ exceptions.raise_compiler_error("funnel definitions: attribution model " ~ name ~ " weights an unknown position " ~ position) }}
        {%- endfor -%}
        {%- set row = [name, loop.index, method] -%}
        {%- for position in smarketing.attribution_positions() -%}
            {%- do row.append(positions.get(position, 0)) -%}
        {%- endfor -%}
        {%- do row.append(model.get('others', 0) if method == 'rules' else 1) -%}
        {%- do row.append(model.get('half_life_days')) -%}
        {%- do rows.append(row) -%}
    {%- endfor -%}
    {{ return(smarketing.sql_rows(columns, rows)) }}
{% endmacro %}


{# The attribution methods: rules (weights of positions) and the data-driven markov and shapley. #}
{% macro attribution_methods() %}
    {{ return(['rules', 'markov', 'shapley']) }}
{% endmacro %}


{#
    `attribution.data_driven` of the version in force, or none when the version has no data-driven
    model and leaves it out (then the data-driven intermediate models learn nothing).
#}
{% macro definition_attribution_data_driven() %}
    {%- set attribution = smarketing.definition_setting('attribution') or {} -%}
    {{ return(attribution.get('data_driven')) }}
{% endmacro %}


{#
    The column of a touch that is the state of the data-driven models (`attribution.data_driven.state`
    of the version in force), checked against the columns it may name, so it renders as an identifier.
#}
{% macro definition_attribution_state_column() %}
    {%- if smarketing.definition_attribution_data_driven() is none -%}
        {{ return('channel') }}
    {%- endif -%}
    {%- set state = smarketing.definition_setting('attribution.data_driven.state') -%}
    {%- if state not in ['channel', 'team', 'touch_type'] -%}
        {{ exceptions.raise_compiler_error("funnel definitions: attribution.data_driven.state must be channel, team or touch_type, got " ~ (state | string)) }}
    {%- endif -%}
    {{ return(state) }}
{% endmacro %}


{#
    Whether a journey converts (`attribution.data_driven.conversion`), as a boolean expression over
    a journey's opportunity columns. won_opportunity: the journey of a won opportunity.
#}
{% macro definition_attribution_conversion(is_won) %}
    {%- if smarketing.definition_attribution_data_driven() is none -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set conversion = smarketing.definition_setting('attribution.data_driven.conversion') -%}
    {%- if conversion != 'won_opportunity' -%}
        {{ exceptions.raise_compiler_error("funnel definitions: attribution.data_driven.conversion must be won_opportunity, got " ~ (conversion | string)) }}
    {%- endif -%}
    {{ return(is_won) }}
{% endmacro %}


{#
    A minimum journey count of the data-driven models (`attribution.data_driven.<key>`), a validated
    integer literal (null without data-driven settings: no count reaches it).
#}
{% macro definition_attribution_min_journeys(key) %}
    {%- if smarketing.definition_attribution_data_driven() is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return(smarketing.sql_integer(smarketing.definition_setting('attribution.data_driven.' ~ key))) }}
{% endmacro %}


{# The attribution lookback window of the version in force, in days (a validated integer literal). #}
{% macro definition_attribution_lookback_days() %}
    {{ return(smarketing.sql_integer(smarketing.definition_setting('attribution.lookback_days'))) }}
{% endmacro %}
