{# Incremental: one row per email_event_id, rebuilt for the records new files delivered (macro
   rows_of_records_delivered_since_last_build). #}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='email_event_id',
        on_schema_change='fail',
    )
}}

with

source as (

    {{ smarketing.rows_of_records_delivered_since_last_build(source('hubspot', 'email_events')) }}

),

versions as (

    {{ latest_source_versions('source', source('hubspot', 'email_events')) }}

),

renamed as (

    select
        {{ clean_id('event_id') }} as email_event_id,
        {{ normalise_email('recipient') }} as recipient_email,
        email_campaign as email_campaign_name,
        upper(trim(event_type)) as email_event_type,
        occurred_at as occurred_at,
        url as url,
        _file_order
    from versions

)

select * from renamed
