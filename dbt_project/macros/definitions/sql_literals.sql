{#
    Render definition values as SQL literals, validating their type, so a value from the
    definitions file can never change the shape of the SQL it lands in.
#}

{% macro sql_string(value) %}
    {%- if value is not string -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected text, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return("'" ~ smarketing.escape_string_literal(value) ~ "'") }}
{% endmacro %}


{% macro escape_string_literal(value) %}
    {{ return(adapter.dispatch('escape_string_literal', 'smarketing')(value)) }}
{% endmacro %}

{% macro default__escape_string_literal(value) %}
    {{ return(value | replace("'", "''")) }}
{% endmacro %}

{% macro spark__escape_string_literal(value) %}
    {{ return(value | replace("\\", "\\\\") | replace("'", "\\'")) }}
{% endmacro %}

{% macro bigquery__escape_string_literal(value) %}
    {{ return(value | replace("\\", "\\\\") | replace("'", "\\'")) }}
{% endmacro %}


{% macro sql_number(value) %}
    {%- if value is boolean or value is not number or value != value or (value | string) in ['inf', '-inf'] -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected a number, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return(value | string) }}
{% endmacro %}


{# An integer, or text made only of digits (YAML integer keys arrive as text through JSON). #}
{% macro sql_integer(value) %}
    {%- if value is boolean
        or not ((value is number and value | int == value) or (value is string and modules.re.match('^-?[0-9]+$', value))) -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected an integer, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return(value | int | string) }}
{% endmacro %}


{% macro sql_boolean(value) %}
    {%- if value is not boolean -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected true or false, got " ~ (value | string)) }}
    {%- endif -%}
    {{ return('true' if value else 'false') }}
{% endmacro %}


{# Any scalar: null, boolean, number or text. #}
{% macro sql_literal(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is boolean -%}
        {{ return(smarketing.sql_boolean(value)) }}
    {%- elif value is number -%}
        {{ return(smarketing.sql_number(value)) }}
    {%- elif value is string -%}
        {{ return(smarketing.sql_string(value)) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("funnel definitions: expected a single value, got " ~ (value | string)) }}
{% endmacro %}


{% macro is_list(value) %}
    {{ return(value is iterable and value is not string and value is not mapping) }}
{% endmacro %}


{#
    A list as a parenthesised SQL list: ['a', 'b'] -> ('a', 'b'). An empty list renders as
    (null), which `in` never matches; prefer sql_in(), which also keeps `not` safe.
#}
{% macro sql_list(values) %}
    {%- if values is none or not smarketing.is_list(values) -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected a list, got " ~ (values | string)) }}
    {%- endif -%}
    {%- set rendered = [] -%}
    {%- for value in values -%}
        {%- do rendered.append(smarketing.sql_literal(value)) -%}
    {%- endfor -%}
    {{ return('(' ~ (rendered | join(', ') if rendered else 'null') ~ ')') }}
{% endmacro %}


{# `<expression> in (<values>)`, or a false predicate when the list is empty. #}
{% macro sql_in(expression, values) %}
    {%- if values is none or not smarketing.is_list(values) -%}
        {{ exceptions.raise_compiler_error("funnel definitions: expected a list, got " ~ (values | string)) }}
    {%- endif -%}
    {%- if values | length == 0 -%}
        {{ return('(1 = 0)') }}
    {%- endif -%}
    {{ return('(' ~ expression ~ ' in ' ~ smarketing.sql_list(values) ~ ')') }}
{% endmacro %}


{#
    Rows as a small relation: a `select ... union all select ...` with typed columns.
    columns: list of [name, type], type one of string, integer, number, boolean, date.
    rows: list of lists, one value per column. No rows -> an empty relation with the same columns.
#}
{% macro sql_rows(columns, rows) %}
    {%- set types = {
        'string': dbt.type_string(),
        'integer': dbt.type_int(),
        'number': dbt.type_numeric(),
        'boolean': dbt.type_boolean(),
        'date': 'date',
    } -%}
    {%- set selects = [] -%}
    {%- for row in rows -%}
        {%- set items = [] -%}
        {%- for column in columns -%}
            {%- set value = row[loop.index0] -%}
            {%- set kind = column[1] -%}
            {%- if value is none -%}
                {%- set literal = 'null' -%}
            {%- elif kind == 'string' or kind == 'date' -%}
                {%- set literal = smarketing.sql_string(value) -%}
            {%- elif kind == 'integer' -%}
                {%- set literal = smarketing.sql_integer(value) -%}
            {%- elif kind == 'number' -%}
                {%- set literal = smarketing.sql_number(value) -%}
            {%- elif kind == 'boolean' -%}
                {%- set literal = smarketing.sql_boolean(value) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("sql_rows: unknown column type " ~ kind) }}
            {%- endif -%}
            {%- do items.append('cast(' ~ literal ~ ' as ' ~ types[kind] ~ ') as ' ~ column[0]) -%}
        {%- endfor -%}
        {%- do selects.append('select ' ~ (items | join(', '))) -%}
    {%- endfor -%}
    {%- if selects | length == 0 -%}
        {%- set items = [] -%}
        {%- for column in columns -%}
            {%- do items.append('cast(null as ' ~ types[column[1]] ~ ') as ' ~ column[0]) -%}
        {%- endfor -%}
        {{ return('select ' ~ (items | join(', ')) ~ ' where 1 = 0') }}
    {%- endif -%}
    {{ return(selects | join('\n    union all\n    ')) }}
{% endmacro %}
