{# Incremental: one row per form_submission_id, rebuilt for the records new files delivered (macro
   rows_of_records_delivered_since_last_build). #}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='form_submission_id',
        on_schema_change='fail',
    )
}}

with

source as (

    {{ smarketing.rows_of_records_delivered_since_last_build(source('hubspot', 'form_submissions')) }}

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
