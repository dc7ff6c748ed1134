{#
    Incremental (one row per email_event_id, replaced by key): a run re-ranks only the versions of the
    records a file loaded after the latest `_file_order` the table holds delivered: every version
    of those records, so the version in force is picked as in a full build. Only for a contract
    without a deleted column: a record whose latest version is deleted would stay in the table.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='email_event_id',
        on_schema_change='fail',
    )
}}

{%- set loaded_after = smarketing.incremental_high_water_mark('_file_order') %}

with

source as (

    select * from {{ source('hubspot', 'email_events') }}
    {%- if loaded_after is not none %}
    where event_id in (
        select event_id
        from {{ source('hubspot', 'email_events') }}
        where _file_order > {{ loaded_after }}
    )
    {%- endif %}

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
