with

source as (

    select * from {{ source('hubspot', 'form_submissions') }}

),

versions as (

    select
        *,
        {{ latest_version_rank(['conversion_id']) }} as version_rank
    from source
    where conversion_id is not null

),

renamed as (

    select
        {{ clean_id('conversion_id') }} as form_submission_id,
        {{ clean_id('contact_id') }} as contact_id,
        {{ normalise_email('email') }} as email,
        form_name as form_name,
        page_url as page_url,
        submitted_at as submitted_at
    from versions
    where version_rank = 1

)

select * from renamed
