{#
    The funnel at account grain: one row per account (int_accounts_unified), when it first had
    a person in each funnel stage (the governed stage times of its people, int_funnel_persons),
    its opportunities counted in too: an opportunity of the account enters the opportunity stage
    at its creation and a won one the customer stage at its close, as they do for the people on
    them (int_funnel_stage_own_times). Each stage is then backfilled with the next stage's time,
    as for people, so the account's stage times never decrease along the funnel.

    Source: the original source and channel of the account's earliest person (by subscriber time)
    with one; first-touch campaign: the earliest first campaign touch of its people. Segment and
    region come from the account's own employee count and country. engaged_contacts counts its
    people with at least one touch (marketing or sales, int_touches_unified); buying_group_size
    the distinct people with a contact role on its opportunities (int_account_buying_group_members).
#}

{%- set stages = smarketing.definition_stage_names() %}
{#- Own entry times the account's opportunities give, by the stage column they feed. -#}
{%- set opportunity_own_columns = ['opportunity_own_at', 'customer_own_at'] %}

with

accounts as (

    select * from {{ ref('int_accounts_unified') }}

),

funnel_persons as (

    select * from {{ ref('int_funnel_persons') }}

),

first_campaign_touches as (

    select * from {{ ref('int_person_first_campaign_touches') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_unified') }}

),

touches as (

    select * from {{ ref('int_touches_unified') }}

),

buying_group_members as (

    select * from {{ ref('int_account_buying_group_members') }}

),

segment_bands as (

    select * from {{ ref('int_definition_segments') }}

),

country_name_variants as (

    select * from {{ ref('country_name_variants') }}

),

account_people as (

    select *
    from funnel_persons
    where account_key is not null

),

people_stages as (

    select
        account_key,
        count(*) as people,
        {%- for stage in stages %}
        min(became_{{ stage }}_at) as {{ stage }}_people_at
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from account_people
    group by account_key

),

account_opportunities as (

    select
        account_key,
        count(*) as opportunities,
        sum(case when is_won then 1 else 0 end) as won_opportunities,
        min(created_at) as opportunity_own_at,
        min(case when is_won then closed_at end) as customer_own_at
    from opportunities
    where account_key is not null
    group by account_key

),

own_entries as (

    {%- for stage in stages %}

    select
        account_key,
        cast({{ loop.index }} as {{ dbt.type_int() }}) as stage_order,
        {{ stage }}_people_at as own_entered_at
    from people_stages
    {%- if stage ~ '_own_at' in opportunity_own_columns %}

    union all

    select
        account_key,
        cast({{ loop.index }} as {{ dbt.type_int() }}) as stage_order,
        {{ stage }}_own_at as own_entered_at
    from account_opportunities
    {%- endif %}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

backfilled as (

    select
        account_key,
        stage_order,
        min(own_entered_at) over (
            partition by account_key
            order by stage_order desc
            rows between unbounded preceding and current row
        ) as entered_at
    from own_entries

),

stages_pivoted as (

    select
        account_key,
        {%- for stage in stages %}
        min(case when stage_order = {{ loop.index }} then entered_at end) as became_{{ stage }}_at
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from backfilled
    group by account_key

),

sources as (

    {{ first_by('account_people', 'account_key',
                ['original_source', 'original_source_system', 'channel'], 'original_source',
                'became_subscriber_at nulls last') }}

),

people_first_touches as (

    select
        account_people.account_key,
        first_campaign_touches.first_touch_campaign_id,
        first_campaign_touches.first_touch_campaign,
        first_campaign_touches.first_touch_at
    from account_people
    inner join first_campaign_touches
        on first_campaign_touches.person_key = account_people.person_key

),

first_touches as (

    {{ first_by('people_first_touches', 'account_key',
                ['first_touch_campaign_id', 'first_touch_campaign'], 'first_touch_campaign_id',
                'first_touch_at') }}

),

engaged_people as (

    select
        account_people.account_key,
        count(distinct account_people.person_key) as engaged_contacts
    from account_people
    inner join touches
        on touches.person_key = account_people.person_key
    group by account_people.account_key

),

buying_groups as (

    select
        account_key,
        count(distinct person_key) as buying_group_size
    from buying_group_members
    group by account_key

),

segment_matches as (

    select
        accounts.account_key,
        min(segment_bands.segment_order) as segment_order
    from accounts
    inner join segment_bands
        on segment_bands.max_employees is null
        or accounts.number_of_employees <= segment_bands.max_employees
    where accounts.number_of_employees is not null
    group by accounts.account_key

),

final as (

    select
        accounts.account_key,
        accounts.account_name,
        accounts.domain,
        accounts.industry,
        coalesce(country_name_variants.country_name, nullif(trim(accounts.country), '')) as country,
        country_name_variants.iso2 as country_code,
        country_name_variants.region,
        accounts.number_of_employees,
        coalesce(segment_bands.segment_name, {{ smarketing.sql_string(smarketing.definition_unknown_segment_name()) }}) as segment,
        sources.original_source,
        sources.original_source_system,
        coalesce(sources.channel, 'Unknown') as channel,
        first_touches.first_touch_campaign_id,
        first_touches.first_touch_campaign,
        {%- for stage in stages %}
        stages_pivoted.became_{{ stage }}_at,
        {%- endfor %}
        coalesce(people_stages.people, 0) as people,
        coalesce(engaged_people.engaged_contacts, 0) as engaged_contacts,
        coalesce(buying_groups.buying_group_size, 0) as buying_group_size,
        coalesce(account_opportunities.opportunities, 0) as opportunities,
        coalesce(account_opportunities.won_opportunities, 0) as won_opportunities
    from accounts
    left join people_stages
        on people_stages.account_key = accounts.account_key
    left join account_opportunities
        on account_opportunities.account_key = accounts.account_key
    left join stages_pivoted
        on stages_pivoted.account_key = accounts.account_key
    left join sources
        on sources.account_key = accounts.account_key
    left join first_touches
        on first_touches.account_key = accounts.account_key
    left join engaged_people
        on engaged_people.account_key = accounts.account_key
    left join buying_groups
        on buying_groups.account_key = accounts.account_key
    left join country_name_variants
        on lower(country_name_variants.country_name_variant) = lower(trim(accounts.country))
    left join segment_matches
        on segment_matches.account_key = accounts.account_key
    left join segment_bands
        on segment_bands.segment_order = segment_matches.segment_order

)

select * from final
