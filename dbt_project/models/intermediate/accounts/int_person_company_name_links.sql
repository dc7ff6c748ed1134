{#
    People linked to an account by company name: one row per person whose records link no account
    and whose email domain is personal (the `personal_email_domains` exclusion list of the
    definitions in force) or unknown (no email), and who wrote a company name on a record. The
    name is normalised (int_company_names_normalised) and matched by equality to the accounts'
    normalised names (int_account_name_keys): account_key is set only when exactly one account has
    that name; with two or more (accounts_with_name > 1) the person stays unlinked and the name is
    reported (marts.rpt_account_name_ambiguities). int_persons_unified takes the link with
    account_link_rule 'company_name' after the record links and the email domain.
#}

with

persons_with_records as (

    select * from {{ ref('int_persons_with_records') }}

),

person_attributes as (

    select * from {{ ref('int_person_attributes_resolved') }}

),

excluded_domains as (

    select * from {{ ref('int_definition_excluded_email_domains') }}

),

normalised_names as (

    select * from {{ ref('int_company_names_normalised') }}

),

account_names as (

    select * from {{ ref('int_account_name_keys') }}

),

personal_domains as (

    select distinct email_domain
    from excluded_domains
    where exclusion_list = 'personal_email_domains'

),

candidates as (

    select
        persons_with_records.person_key,
        person_attributes.company_name,
        persons_with_records.email_domain is null as has_unknown_domain
    from persons_with_records
    inner join person_attributes
        on person_attributes.person_key = persons_with_records.person_key
    left join personal_domains
        on personal_domains.email_domain = persons_with_records.email_domain
    where person_attributes.account_key is null
        and person_attributes.company_name is not null
        and (persons_with_records.email_domain is null or personal_domains.email_domain is not null)

),

name_matches as (

    select
        candidates.person_key,
        candidates.company_name,
        candidates.has_unknown_domain,
        normalised_names.company_name_key,
        count(account_names.account_key) as accounts_with_name,
        min(account_names.account_key) as any_account_key
    from candidates
    inner join normalised_names
        on normalised_names.company_name = candidates.company_name
    left join account_names
        on account_names.company_name_key = normalised_names.company_name_key
    group by
        candidates.person_key,
        candidates.company_name,
        candidates.has_unknown_domain,
        normalised_names.company_name_key

),

final as (

    select
        person_key,
        company_name_key,
        has_unknown_domain,
        accounts_with_name,
        case when accounts_with_name = 1 then any_account_key end as account_key
    from name_matches

)

select * from final
