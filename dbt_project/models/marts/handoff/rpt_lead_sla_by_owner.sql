{#
    The handoff SLA rolled up by owner (and the owner's team), region, segment and handoff month
    (reporting time zone); sum the counts over owners for team, region or segment totals.
    Compliance counts only decided handoffs: touched, or breached while still untouched; an
    untouched handoff whose deadline has not passed yet is pending.
#}

with

lead_sla as (

    select * from {{ ref('rpt_lead_sla') }}

),

final as (

    select
        owner_id,
        owner,
        owner_department as team,
        region,
        segment,
        handoff_month,
        count(*) as mqls_handed_off,
        sum(case when not is_untouched then 1 else 0 end) as mqls_touched,
        sum(case when is_sla_breached then 1 else 0 end) as mqls_breached,
        sum(case when is_untouched and not is_sla_breached then 1 else 0 end) as mqls_pending,
        sum(case when is_untouched and was_worked_before_handoff then 1 else 0 end) as mqls_untouched_worked_before_handoff,
        {{ smarketing.round_fraction(smarketing.median('hours_to_first_touch_calendar')) }} as median_hours_to_first_touch_calendar,
        {{ smarketing.round_fraction(smarketing.median('hours_to_first_touch_business')) }} as median_hours_to_first_touch_business,
        round(
            sum(case when not is_untouched and not is_sla_breached then 1 else 0 end) * 1.0
            / nullif(sum(case when is_untouched and not is_sla_breached then 0 else 1 end), 0),
            4
        ) as sla_compliance_rate
    from lead_sla
    group by
        owner_id,
        owner,
        owner_department,
        region,
        segment,
        handoff_month

)

select * from final
