{#- The loader creates ingest.deal_stage_settings; a warehouse built without it has no settings. -#}
{%- set settings = source('ingest', 'deal_stage_settings') -%}
{%- set recorded = load_relation(settings) if execute else none -%}

with

source as (

    {% if recorded is not none -%}
    select * from {{ settings }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source,
        cast(null as {{ dbt.type_string() }}) as pipeline,
        cast(null as {{ dbt.type_string() }}) as stage,
        cast(null as {{ dbt.type_string() }}) as outcome,
        cast(null as {{ dbt.type_boolean() }}) as is_any_pipeline,
        cast(null as {{ dbt.type_string() }}) as settings_file
    where 1 = 0
    {%- endif %}

),

renamed as (

    select
        source as source_system,
        lower(trim(pipeline)) as pipeline_key,
        is_any_pipeline,
        lower(trim(stage)) as stage_key,
        outcome as stage_outcome,
        settings_file
    from source

)

select * from renamed
