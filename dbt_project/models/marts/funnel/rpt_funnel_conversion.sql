{#
    Cohort-based stage-to-stage conversion: for each adjacent pair of funnel stages (the
    definitions' `stages`, in order), the people who entered the earlier stage in a calendar month
    (reporting time zone) and how many of them have reached the next stage since, with the median
    time it took. Never a ratio of two months' snapshot counts: the converted are always a subset
    of their own cohort.

    The governed stage times are monotonic (a skipped stage is backfilled with the next stage's
    time), so whoever reached the later stage also entered the earlier one, at or before it; a
    person who skipped the earlier stage converts at the same instant, after 0 days.

    Long shape: one row per cohort month, stage pair and value of one dimension (channel, original
    source, first-touch campaign, region, segment, owner), plus dimension_name 'all' for everyone.
#}

{{ smarketing.cohort_conversion('person_key', ref('fct_funnel'), ref('int_funnel_person_dimensions')) }}
