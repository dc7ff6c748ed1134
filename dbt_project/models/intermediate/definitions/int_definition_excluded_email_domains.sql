{# Email domains whose people never become MQLs (`mql.exclusions` of the version in force). #}

with

excluded_domains as (

    {{ smarketing.definition_excluded_email_domains() }}

),

final as (

    select
        email_domain,
        exclusion_list
    from excluded_domains

)

select * from final
