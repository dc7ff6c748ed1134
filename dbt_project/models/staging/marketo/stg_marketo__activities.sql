{# Incremental: one row per activity_id, rebuilt for the records new files delivered (macro
   rows_of_records_delivered_since_last_build). #}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='activity_id',
        on_schema_change='fail',
    )
}}

{#- "Merge IDs" of a Merge Leads activity: a JSON array of lead ids ([1234] or [1234,5678]),
    spelled "Merge Ids" by some instances. -#}
{%- set merge_ids_json = "coalesce(" ~ smarketing.json_text_field('attributes', 'Merge IDs') ~ ", "
    ~ smarketing.json_text_field('attributes', 'Merge Ids') ~ ")" %}

with

source as (

    {{ smarketing.rows_of_records_delivered_since_last_build(source('marketo', 'activities')) }}

),

versions as (

    {{ latest_source_versions('source', source('marketo', 'activities')) }}

),

renamed as (

    select
        {{ clean_id('marketoGUID') }} as activity_id,
        {{ numeric_id('leadId') }} as lead_id,
        activityDate as occurred_at,
        activityTypeId as activity_type_id,
        activityTypeName as activity_type_name,
        coalesce(activityTypeId = 2, false) as is_form_fill_out,
        coalesce(activityTypeId = 22, false) as is_score_change,
        coalesce(activityTypeId = 13, false) as is_data_value_change,
        case
            when activityTypeId = 22
                then {{ dbt.safe_cast(smarketing.json_text_field('attributes', 'New Value'), dbt.type_float()) }}
        end as new_score,
        coalesce(activityTypeId = 32, false) as is_lead_merge,
        case
            when activityTypeId = 32
                then nullif(replace(replace(replace(replace({{ merge_ids_json }}, '[', ''), ']', ''), '"', ''), ' ', ''), '')
        end as merged_lead_ids,
        case
            when activityTypeId = 13
                then {{ smarketing.json_text_field('attributes', 'Old Value') }}
        end as old_field_value,
        case
            when activityTypeId = 13
                then {{ smarketing.json_text_field('attributes', 'New Value') }}
        end as new_field_value,
        {{ numeric_id('campaignId') }} as campaign_id,
        {{ numeric_id('primaryAttributeValueId') }} as primary_attribute_value_id,
        primaryAttributeValue as primary_attribute_value,
        attributes as attributes,
        _file_order
    from versions

)

select * from renamed
