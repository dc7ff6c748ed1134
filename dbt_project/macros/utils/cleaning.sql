{#
    Cleaning helpers used by the staging models. Each takes a column expression and returns SQL.
#}

{# An identifier or free text: trimmed, null when blank. #}
{% macro clean_id(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}


{#
    An id the vendor defines as a whole number (the raw column is an integer: Marketo's lead,
    campaign, program and asset ids), as text like every other id it is joined with.
#}
{% macro numeric_id(column) -%}
    {{ dbt.cast(column, dbt.type_string()) }}
{%- endmacro %}


{# An email as the identity rules define it: lower(trim(email)), null when blank. #}
{% macro normalise_email(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}


{#
    A company domain from a website or domain field: lower case, without the scheme
    (http://, https://, ...), without a leading `www.`, without any path, query or fragment.
    'HTTPS://www.Acme.com/about?x=1' -> 'acme.com'. Null when nothing is left.
#}
{% macro normalise_domain(column) -%}
    {%- set lowered = "lower(trim(" ~ column ~ "))" -%}
    {%- set without_scheme = "case when " ~ lowered ~ " like '%://%' then " ~ dbt.split_part(lowered, "'://'", 2) ~ " else " ~ lowered ~ " end" -%}
    {%- set host = dbt.split_part(dbt.split_part(dbt.split_part("(" ~ without_scheme ~ ")", "'/'", 1), "'?'", 1), "'#'", 1) -%}
    nullif(
        case
            when {{ host }} like 'www.%' then substr({{ host }}, 5)
            else {{ host }}
        end,
        ''
    )
{%- endmacro %}


{# The domain of a normalised email, after its last '@' ('ana@acme.com' -> 'acme.com'). #}
{% macro email_domain(column) -%}
    case
        when {{ column }} like '%@%' then nullif({{ dbt.split_part(column, "'@'", -1) }}, '')
    end
{%- endmacro %}


{#
    A content asset's name as a match key: lower case, trimmed, runs of spaces as one; null when
    blank. The content calendar's asset and campaign names and the touches' content asset and
    campaign names meet on it ('Ebook download:  Lead Scoring' = 'ebook download: lead scoring').
#}
{% macro content_match_key(column) -%}
    {{ return(adapter.dispatch('content_match_key', 'smarketing')(column)) }}
{%- endmacro %}

{% macro default__content_match_key(column) -%}
    nullif(lower(trim(regexp_replace({{ column }}, '\s+', ' ', 'g'))), '')
{%- endmacro %}

{% macro spark__content_match_key(column) -%}
    nullif(lower(trim(regexp_replace({{ column }}, '\\s+', ' '))), '')
{%- endmacro %}
