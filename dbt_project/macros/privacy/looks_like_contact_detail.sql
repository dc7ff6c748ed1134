{#
    True when a text value looks like an email address (x@y.z) or a phone number: only digits,
    spaces and + ( ) -, with 7 to 15 digits (E.164 numbers have at most 15). A longer run of digits
    is an identifier, not a phone number: an md5 key in hex is all decimal digits about once in
    3.5 million keys, which a company of a million people reaches.
#}
{% macro looks_like_contact_detail(column) -%}
    (
        {{ column }} like '%@%.%'
        or (
            translate({{ column }}, '0123456789 +()-', '') = ''
            and length(translate({{ column }}, ' +()-', '')) between 7 and 15
        )
    )
{%- endmacro %}
