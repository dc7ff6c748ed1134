{#
    Company-name text, as the name matching of people to accounts compares it (README, Accounts):
    lower case, accents stripped ('Éxito' -> 'exito'), '&' read as 'and', dots and apostrophes
    dropped ('S.A.' -> 'sa', "O'Neil" -> 'oneil'), any other run of characters that is not a
    letter or a digit turned into one space, trimmed; null when nothing is left.
        ' Acme, Inc. ' -> 'acme inc'      'Grupo Éxito S.A.' -> 'grupo exito sa'
    Legal suffixes ('inc', 'sa', ...) are removed afterwards by int_company_names_normalised, with
    the list of the seed company_legal_suffixes run through this same macro.
#}
{% macro company_name_text(column) -%}
    {%- set lowered = "lower(" ~ smarketing.strip_accents(column) ~ ")" -%}
    {%- set joined = smarketing.regexp_replace_all(lowered, "'&'", "' and '") -%}
    {%- set dotless = smarketing.regexp_replace_all(joined, "'[.''`]'", "''") -%}
    nullif(trim({{ smarketing.regexp_replace_all(dotless, "'[^a-z0-9]+'", "' '") }}), '')
{%- endmacro %}


{# The most words a legal suffix may have (after company_name_text): int_company_names_normalised
   compares a name's last 1..N words with the suffixes; a longer suffix fails the test
   assert_legal_suffixes_fit_the_name_matching. #}
{% macro company_name_max_suffix_words() -%}
    {{ return(5) }}
{%- endmacro %}


{# The last `words` space-separated words of a company-name text, when at least one word comes before them; else null. #}
{% macro company_name_tail(column, words) -%}
    {%- set pattern = "'^.+ ([^ ]+" ~ ("( [^ ]+)" * (words - 1)) ~ ")$'" -%}
    nullif({{ smarketing.regexp_extract_group(column, pattern) }}, '')
{%- endmacro %}


{# Text without accents (diacritics). Engine specific. #}
{% macro strip_accents(column) -%}
    {{ return(adapter.dispatch('strip_accents', 'smarketing')(column)) }}
{%- endmacro %}

{% macro duckdb__strip_accents(column) -%}
    strip_accents({{ column }})
{%- endmacro %}

{# Portable fallback: the accented Latin letters of the markets we sell to, mapped one to one. #}
{% macro default__strip_accents(column) -%}
    translate({{ column }},
        'ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÇçÑñÝýÿ',
        'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNnYyy')
{%- endmacro %}


{# Every match of `pattern` (a SQL string literal) replaced by `replacement` (a SQL string literal). Engine specific. #}
{% macro regexp_replace_all(column, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'smarketing')(column, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{# The first capture group of `pattern` (a SQL string literal) in the text, '' or null without a match. Engine specific. #}
{% macro regexp_extract_group(column, pattern) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'smarketing')(column, pattern)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(column, pattern) -%}
    substring({{ column }} from {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_extract_group(column, pattern) -%}
    regexp_extract({{ column }}, {{ pattern }}, 1)
{%- endmacro %}

{% macro spark__regexp_extract_group(column, pattern) -%}
    regexp_extract({{ column }}, {{ pattern }}, 1)
{%- endmacro %}
