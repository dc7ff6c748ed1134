{#
    Surrogate keys, as definitions/README.md fixes them. The hash is dbt's cross-database
    `dbt.hash` (md5 as lowercase hex), so a key equals Python's
    hashlib.md5((prefix + value).encode()).hexdigest().

    Arguments are SQL expressions (column names, or quoted literals such as "'salesforce'").
#}

{#
    person_key: md5('email:' || normalised email); a record without an email is a person of its
    own: md5('<system>_<object>:' || record id), e.g. md5('salesforce_lead:00Q...').
#}
{% macro person_key(email, source_system, source_object, record_id) -%}
    case
        when {{ email }} is not null then {{ dbt.hash(dbt.concat(["'email:'", email])) }}
        else {{ dbt.hash(dbt.concat([source_system, "'_'", source_object, "':'", record_id])) }}
    end
{%- endmacro %}


{# The person_key of an email alone (events that carry only an address). #}
{% macro email_person_key(email) -%}
    case
        when {{ email }} is not null then {{ dbt.hash(dbt.concat(["'email:'", email])) }}
    end
{%- endmacro %}


{#
    account_key: md5('domain:' || normalised domain), or md5('<system>_account:' || id) without
    a domain (e.g. md5('hubspot_account:123')).
#}
{% macro account_key(domain, source_system, record_id) -%}
    case
        when {{ domain }} is not null then {{ dbt.hash(dbt.concat(["'domain:'", domain])) }}
        else {{ dbt.hash(dbt.concat([source_system, "'_account:'", record_id])) }}
    end
{%- endmacro %}
