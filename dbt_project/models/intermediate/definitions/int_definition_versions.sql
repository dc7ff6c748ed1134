{# The versions of the governed definitions, and which one is in force for this run. #}

with

versions as (

    {{ smarketing.definition_versions() }}

),

final as (

    select
        definition_version,
        effective_from,
        owner,
        description,
        is_in_force
    from versions

)

select * from final
