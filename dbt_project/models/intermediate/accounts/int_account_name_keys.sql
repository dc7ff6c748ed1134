{#
    One row per account and normalised company name (int_company_names_normalised) of any of its
    records, with how many accounts share that name. A name of exactly one account can link
    people to it (int_person_company_name_links); a name shared by two or more accounts is
    ambiguous and links nobody (marts.rpt_account_name_ambiguities lists them).
#}

with

account_records as (

    select * from {{ ref('int_account_identity_links') }}

),

normalised_names as (

    select * from {{ ref('int_company_names_normalised') }}

),

account_names as (

    select distinct
        normalised_names.company_name_key,
        account_records.account_key
    from account_records
    inner join normalised_names
        on normalised_names.company_name = account_records.account_name

),

final as (

    select
        company_name_key,
        account_key,
        count(*) over (partition by company_name_key) as accounts_with_name
    from account_names

)

select * from final
