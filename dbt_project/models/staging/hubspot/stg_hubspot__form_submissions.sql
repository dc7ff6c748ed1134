{#
    Incremental (one row per form_submission_id, replaced by key): a run re-ranks only the versions of the
    records a file loaded after the latest `_file_order` the table holds delivered: every version
    of those records, so the version in force is picked as in a full build. Only for a contract
    without a deleted column: a record whose latest version is deleted would stay in the table.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='form_submission_id',
        on_schema_change='fail',
    )
}}

{%- set loaded_after = smarketing.incremental_high_water_mark('_file_order') %}

with

source as (

    select * from {{ source('hubspot', 'form_submissions') }}
    {%- if loaded_after is not none %}
    where conversion_id in (
        select conversion_id
        from {{ source('hubspot', 'form_submissions') }}
        where _file_order > {{ loaded_after }}
    )
    {%- endif %}

),

versions as (

    {{ latest_source_versions('source', source('hubspot', 'form_submissions')) }}

),

renamed as (

    select
        {{ clean_id('conversion_id') }} as form_submission_id,
        {{ clean_id('contact_id') }} as contact_id,
        {{ normalise_email('email') }} as email,
        form_name as form_name,
        page_url as page_url,
        submitted_at as submitted_at,
        _file_order
    from versions

)

select * from renamed
