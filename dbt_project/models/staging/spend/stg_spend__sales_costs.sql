with

source as (

    select * from {{ source('spend', 'sales_costs') }}

),

{%- set contract = smarketing.source_contract(source('spend', 'sales_costs')) %}

versions as (

    select
        *,
        {{ latest_version_rank(contract.get('primary_key'), contract.get('modified_column')) }} as version_rank
    from source
    where cost_month is not null

),

renamed as (

    select
        cast({{ dbt.date_trunc('month', 'cost_month') }} as date) as cost_month,
        trim(category) as category,
        upper(trim(currency)) as currency_code,
        amount as amount
    from versions
    where version_rank = 1

)

select * from renamed
