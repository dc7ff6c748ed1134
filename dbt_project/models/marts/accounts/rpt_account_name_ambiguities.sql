{#
    Company names the matching of people to accounts cannot use: one row per normalised company
    name shared by two or more accounts, and each of those accounts, with the people left
    unlinked because of it (personal or unknown email domain, no account from their records, that
    company name). RevOps resolves an ambiguity in the CRM (merge the accounts, or link the
    people's records to the right one); the next run picks it up.
#}

with

account_names as (

    select * from {{ ref('int_account_name_keys') }}

),

accounts as (

    select * from {{ ref('int_accounts_unified') }}

),

name_links as (

    select * from {{ ref('int_person_company_name_links') }}

),

unlinked_people as (

    select
        company_name_key,
        count(*) as unlinked_people
    from name_links
    where accounts_with_name > 1
    group by company_name_key

),

final as (

    select
        account_names.company_name_key,
        account_names.accounts_with_name,
        account_names.account_key,
        accounts.account_name,
        accounts.domain,
        coalesce(unlinked_people.unlinked_people, 0) as unlinked_people
    from account_names
    inner join accounts
        on accounts.account_key = account_names.account_key
    left join unlinked_people
        on unlinked_people.company_name_key = account_names.company_name_key
    where account_names.accounts_with_name > 1

)

select * from final
