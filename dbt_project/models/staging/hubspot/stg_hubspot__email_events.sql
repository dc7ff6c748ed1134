with

source as (

    select * from {{ source('hubspot', 'email_events') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['event_id']) }} as version_rank
    from source
    where event_id is not null

),

renamed as (

    select
        {{ clean_id('event_id') }} as email_event_id,
        {{ normalise_email('recipient') }} as recipient_email,
        email_campaign as email_campaign_name,
        upper(trim(event_type)) as email_event_type,
        occurred_at as occurred_at,
        url as url
    from versions
    where version_rank = 1

)

select * from renamed
