"""The funnel report's words, in each language it is written in (orchestration/report.py)."""

from __future__ import annotations

LANGUAGES = ("en", "es")

_TEXT = {
    "title": ("Smarketing funnel report", "Informe del embudo Smarketing"),
    "subtitle": ("Month {month} · publish {publish} · every figure is read from the published marts",
                 "Mes {month} · publicación {publish} · cada cifra se lee de los marts publicados"),
    "funnel_title": ("The funnel by stage", "El embudo por etapa"),
    "funnel_note": ("People who entered each stage in the month, everyone who has ever reached it, and the share "
                    "of those who reached the previous stage who reached this one.",
                    "Personas que entraron en cada etapa en el mes, todas las que la han alcanzado alguna vez y la "
                    "proporción de quienes alcanzaron la etapa anterior que llegaron a esta."),
    "cohorts_title": ("Cohort conversion and velocity", "Conversión y velocidad por cohorte"),
    "cohorts_note": ("The people who entered a stage in the month and how many of them have reached the next one "
                     "since, with the median days it took, by channel, region and segment. The chart shows the "
                     "conversion rate of each stage pair by channel.",
                     "Las personas que entraron en una etapa en el mes y cuántas han alcanzado la siguiente desde "
                     "entonces, con la mediana de días que tardaron, por canal, región y segmento. El gráfico muestra "
                     "la tasa de conversión de cada par de etapas por canal."),
    "targets_title": ("MQLs against target", "MQL frente al objetivo"),
    "targets_note": ("Governed MQLs per month against the monthly target of the targets file, for the twelve months "
                     "up to the report month.",
                     "MQL gobernados por mes frente al objetivo mensual del fichero de objetivos, en los doce meses "
                     "hasta el mes del informe."),
    "sla_title": ("Handoff SLA", "SLA de traspaso a ventas"),
    "sla_note": ("MQLs handed to sales in the month: breached, still pending, the SLA compliance rate (touched in "
                 "time / decided) and the median hours to first touch, by owner and by region.",
                 "MQL traspasados a ventas en el mes: incumplidos, aún pendientes, la tasa de cumplimiento del SLA "
                 "(contactados a tiempo / decididos) y la mediana de horas hasta el primer contacto, por "
                 "propietario y por región."),
    "rejections_title": ("Lead rejections", "Leads rechazados"),
    "rejections_note": ("Leads sales disqualified or recycled, by reason and by original source (all time).",
                        "Leads que ventas descalificó o recicló, por motivo y por fuente original (todo el "
                        "histórico)."),
    "spend_title": ("Spend and return", "Inversión y retorno"),
    "spend_note": ("Marketing spend in the month against what it brought (people count under their first-touch "
                   "campaign): cost per MQL and SQL, CAC, ROI = (won revenue - spend) / spend and "
                   "ROAS = won revenue / spend, by channel and by campaign.",
                   "Inversión de marketing del mes frente a lo que aportó (cada persona cuenta en su campaña de "
                   "primer contacto): coste por MQL y SQL, CAC, ROI = (ingresos ganados - inversión) / inversión y "
                   "ROAS = ingresos ganados / inversión, por canal y por campaña."),
    "attribution_title": ("Channel ranking under each attribution model",
                          "Clasificación de canales en cada modelo de atribución"),
    "attribution_note": ("Won revenue each model credits to each channel over the twelve months up to the report "
                         "month, and the channel's rank under each model (1 = the most revenue).",
                         "Ingresos ganados que cada modelo atribuye a cada canal en los doce meses hasta el mes del "
                         "informe, y la posición del canal en cada modelo (1 = el que más ingresos aporta)."),
    "attributed_revenue": ("Attributed revenue", "Ingresos atribuidos"),
    "rank": ("Rank", "Posición"),
    "reconciliation_title": ("Reported against governed stage dates",
                             "Fechas de etapa reportadas frente a las gobernadas"),
    "reconciliation_note": ("Per stage, the people whose source systems and the governed definitions agree on the "
                            "day, differ, or only one of them puts in the stage.",
                            "Por etapa, las personas en las que los sistemas de origen y las definiciones gobernadas "
                            "coinciden en el día, difieren, o solo uno de los dos las sitúa en la etapa."),
    "definitions_title": ("The definitions in force", "Las definiciones vigentes"),
    "no_rows": ("No rows for this month.", "No hay filas para este mes."),
    "none": ("(none)", "(ninguno)"),
    "stage": ("Stage", "Etapa"),
    "entered_in_month": ("Entered in the month", "Entradas en el mes"),
    "reached_ever": ("Reached ever", "Alcanzada alguna vez"),
    "conversion_from_previous": ("Conversion from previous stage", "Conversión desde la etapa anterior"),
    "by_channel": ("By channel", "Por canal"),
    "by_region": ("By region", "Por región"),
    "by_segment": ("By segment", "Por segmento"),
    "by_owner": ("By owner", "Por propietario"),
    "by_campaign": ("By campaign", "Por campaña"),
    "by_reason": ("By reason", "Por motivo"),
    "by_source": ("By original source", "Por fuente original"),
    "channel": ("Channel", "Canal"),
    "region": ("Region", "Región"),
    "segment": ("Segment", "Segmento"),
    "owner": ("Owner", "Propietario"),
    "campaign": ("Campaign", "Campaña"),
    "stage_pair": ("Stage pair", "Par de etapas"),
    "cohort": ("Cohort", "Cohorte"),
    "converted": ("Converted", "Convertidos"),
    "conversion_rate": ("Conversion rate", "Tasa de conversión"),
    "median_days": ("Median days", "Mediana de días"),
    "month": ("Month", "Mes"),
    "mqls": ("MQLs", "MQL"),
    "sqls": ("SQLs", "SQL"),
    "target": ("Target", "Objetivo"),
    "attainment": ("Attainment", "Cumplimiento"),
    "month_complete": ("Month complete", "Mes completo"),
    "handed_off": ("Handed off", "Traspasados"),
    "breached": ("Breached", "Incumplidos"),
    "pending": ("Pending", "Pendientes"),
    "sla_compliance": ("SLA compliance", "Cumplimiento del SLA"),
    "median_hours": ("Median hours to first touch", "Mediana de horas hasta el primer contacto"),
    "rejection_type": ("Type", "Tipo"),
    "reason": ("Reason", "Motivo"),
    "rejections": ("Rejections", "Rechazos"),
    "leads": ("Leads", "Leads"),
    "original_source": ("Original source", "Fuente original"),
    "spend": ("Spend", "Inversión"),
    "won_deals": ("Won deals", "Negocios ganados"),
    "won_revenue": ("Won revenue", "Ingresos ganados"),
    "cost_per_mql": ("Cost per MQL", "Coste por MQL"),
    "cost_per_sql": ("Cost per SQL", "Coste por SQL"),
    "cac": ("CAC", "CAC"),
    "roi": ("ROI", "ROI"),
    "roas": ("ROAS", "ROAS"),
    "people": ("People", "Personas"),
    "share_of_stage": ("Share of stage", "Proporción de la etapa"),
}


def text(lang: str, key: str) -> str:
    """The text ``key`` in ``lang`` (one of LANGUAGES)."""
    return _TEXT[key][LANGUAGES.index(lang)]
