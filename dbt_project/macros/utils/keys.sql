{#
    Surrogate keys, as definitions/README.md fixes them. Account keys use dbt's cross-database
    `dbt.hash` (md5 as lowercase hex), so a key equals Python's
    hashlib.md5((prefix + value).encode()).hexdigest(); person keys are keyed hashes (below).

    Arguments are SQL expressions (column names, or quoted literals such as "'salesforce'").
#}

{#
    person_key: a keyed hash, HMAC-SHA256 under the warehouse's secret (orchestration/person_keys.py),
    of 'email:' || normalised email; a record without an email is a person of its own, the keyed
    hash of '<system>_<object>:' || record id, e.g. of 'salesforce_lead:00Q...'. Without the
    secret a key cannot be recomputed from a list of candidate emails.
#}
{% macro person_key(email, source_system, source_object, record_id) -%}
    case
        when {{ email }} is not null then {{ keyed_hash(dbt.concat(["'email:'", email])) }}
        else {{ keyed_hash(dbt.concat([source_system, "'_'", source_object, "':'", record_id])) }}
    end
{%- endmacro %}


{# The person_key of an email alone (events that carry only an address). #}
{% macro email_person_key(email) -%}
    case
        when {{ email }} is not null then {{ keyed_hash(dbt.concat(["'email:'", email])) }}
    end
{%- endmacro %}


{#
    keyed_hash: HMAC-SHA256 of the text expression `message` as lowercase hex, keyed by the pads the
    pipeline writes into ingest.person_key_pads before dbt starts (the secret itself never reaches
    SQL). Engine specific: DuckDB has sha256 but no hmac, so HMAC is built from its definition
    (RFC 2104), sha256(outer pad || sha256(inner pad || message)), on blobs.
#}
{% macro keyed_hash(message) -%}
    {{ return(adapter.dispatch('keyed_hash')(message)) }}
{%- endmacro %}


{% macro duckdb__keyed_hash(message) -%}
    sha256(
        (select opad from {{ ref('stg_ingest__person_key_pads') }})
        || unhex(sha256((select ipad from {{ ref('stg_ingest__person_key_pads') }}) || encode({{ message }})))
    )
{%- endmacro %}


{% macro default__keyed_hash(message) -%}
    {{ exceptions.raise_compiler_error(
        "keyed_hash (HMAC-SHA256 person keys) has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__keyed_hash to macros/utils/keys.sql") }}
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
