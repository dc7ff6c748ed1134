{#
    Monthly MQL targets: one row per month and grain (all, a region, a channel, or a region and a
    channel). A blank region or channel means all of them. Region and channel are compared
    case-insensitively and without surrounding spaces, so 'Latam' and ' latam' are one target:
    the latest version (file order, then line) wins. A date inside the month names that month.
#}

with

source as (

    select * from {{ source('targets', 'mql_targets') }}

),

cleaned as (

    select
        cast({{ dbt.date_trunc('month', adapter.quote('month')) }} as date) as target_month,
        nullif(trim(region), '') as region,
        nullif(trim(channel), '') as channel,
        target_mqls,
        _file_order,
        _source_line
    from source
    where {{ adapter.quote('month') }} is not null
        and target_mqls is not null

),

versions as (

    select
        *,
        {{ latest_version_rank(['target_month', 'lower(region)', 'lower(channel)']) }} as version_rank
    from cleaned

),

final as (

    select
        target_month,
        region,
        channel,
        target_mqls
    from versions
    where version_rank = 1

)

select * from final
