{#
    Cohort-based stage-to-stage conversion and velocity at account grain, the same shape as the
    people's rpt_funnel_conversion: for each adjacent pair of funnel stages, the accounts that
    first entered the earlier stage in a calendar month (reporting time zone) and how many of them
    have reached the next stage since, with the median time it took. The account's stage times
    (fct_account_funnel) are monotonic, so the converted are always a subset of their cohort.
    A report of its own, so account counts never mix with the person grain of
    rpt_funnel_conversion and its semantic model.

    Long shape: one row per cohort month, stage pair and value of one dimension of the account
    (int_account_funnel_dimensions: channel, original source, first-touch campaign, region,
    segment, industry), plus dimension_name 'all' for every account.
#}

{{ smarketing.cohort_conversion('account_key', ref('fct_account_funnel'), ref('int_account_funnel_dimensions')) }}
