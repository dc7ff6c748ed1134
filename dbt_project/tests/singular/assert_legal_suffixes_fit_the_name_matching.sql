{{ config(meta={"dagster": {"ref": {"name": "int_company_names_normalised"}}}) }}

{#
    Every legal suffix of the seed company_legal_suffixes, normalised as names are, has at most
    company_name_max_suffix_words() words: int_company_names_normalised compares only that many
    last words of a name, so a longer suffix would silently never match. Returns the suffixes
    that are too long.
#}

with

legal_suffixes as (

    select * from {{ ref('company_legal_suffixes') }}

),

normalised as (

    select
        legal_suffix,
        {{ smarketing.company_name_text('legal_suffix') }} as suffix_text
    from legal_suffixes

),

final as (

    select
        legal_suffix,
        suffix_text,
        length(suffix_text) - length(replace(suffix_text, ' ', '')) + 1 as suffix_words
    from normalised
    where length(suffix_text) - length(replace(suffix_text, ' ', '')) + 1
        > {{ smarketing.company_name_max_suffix_words() }}
        or suffix_text is null

)

select * from final
