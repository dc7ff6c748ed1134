{#
    One row per company name as written on an account record (Salesforce account, HubSpot company)
    or a person record (Salesforce lead Company, HubSpot contact company, Marketo lead company),
    with the normalised name the name matching compares (company_name_key): the macro
    company_name_text (case, accents, punctuation, whitespace), then one legal suffix of the seed
    company_legal_suffixes taken off the end, the longest that matches ('Acme Iberia S.A. de C.V.'
    -> 'acme iberia'). A name that is only a suffix keeps it ('Inc.' -> 'inc').

    The suffix is found by equality joins of the name's last one, two, ... five words to the
    normalised suffixes (hash joins, linear in the number of names), not by pattern matching every
    name against every suffix.
#}

{%- set max_suffix_words = smarketing.company_name_max_suffix_words() %}

with

account_records as (

    select * from {{ ref('int_account_identity_links') }}

),

person_attributes as (

    select * from {{ ref('int_person_attributes_resolved') }}

),

legal_suffixes as (

    select * from {{ ref('company_legal_suffixes') }}

),

names as (

    select account_name as company_name from account_records where account_name is not null

    union

    select company_name from person_attributes where company_name is not null

),

suffixes as (

    select distinct {{ smarketing.company_name_text('legal_suffix') }} as suffix_text
    from legal_suffixes

),

name_texts as (

    select
        company_name,
        {{ smarketing.company_name_text('company_name') }} as name_text
    from names

),

tails as (

    select
        company_name,
        name_text,
        {%- for words in range(1, max_suffix_words + 1) %}
        {{ smarketing.company_name_tail('name_text', words) }} as tail_{{ words }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from name_texts

),

matched as (

    select
        tails.company_name,
        tails.name_text,
        coalesce(
            {%- for words in range(max_suffix_words, 0, -1) %}
            suffix_{{ words }}.suffix_text
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        ) as legal_suffix_text
    from tails
    {%- for words in range(1, max_suffix_words + 1) %}
    left join suffixes as suffix_{{ words }}
        on suffix_{{ words }}.suffix_text = tails.tail_{{ words }}
    {%- endfor %}

),

final as (

    select
        company_name,
        name_text as company_name_text,
        legal_suffix_text,
        case
            when legal_suffix_text is null then name_text
            else trim(substr(name_text, 1, length(name_text) - length(legal_suffix_text)))
        end as company_name_key
    from matched
    where name_text is not null

)

select * from final
