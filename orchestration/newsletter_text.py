"""The newsletter's words, in each language it is written in (orchestration/newsletter.py)."""

from __future__ import annotations

from orchestration.report_text import LANGUAGES

_TEXT = {
    "title": ("The Smarketing newsletter", "La newsletter de Smarketing"),
    "subtitle": ("{month} · what marketing and sales published, and what it did for traffic, pipeline and revenue",
                 "{month} · lo que marketing y ventas publicaron y lo que aportó en tráfico, pipeline e ingresos"),
    "footer": ("Every figure is read from the published marts (publish {publish}). Won revenue is credited under "
               "the {model} attribution model; a person reached by two assets counts for each.",
               "Cada cifra se lee de los marts publicados (publicación {publish}). Los ingresos ganados se atribuyen "
               "con el modelo de atribución {model}; una persona alcanzada por dos recursos cuenta en cada uno."),
    "headline_title": ("The month in numbers", "El mes en cifras"),
    "headline_note": ("Content calendar assets this month against the month before: touches and people reached, "
                      "the leads and MQLs that followed a touch, the opportunities created after one and their "
                      "pipeline, and the won revenue credited to content.",
                      "Los recursos del calendario de contenidos este mes frente al anterior: contactos y personas "
                      "alcanzadas, los leads y MQL que siguieron a un contacto, las oportunidades creadas después de "
                      "uno y su pipeline, y los ingresos ganados atribuidos al contenido."),
    "published_title": ("Published this month", "Publicado este mes"),
    "published_note": ("New assets of the content calendar and who made them.",
                       "Los recursos nuevos del calendario de contenidos y quién los hizo."),
    "content_title": ("What content did", "Lo que aportó el contenido"),
    "content_note": ("Each asset with activity in the month, the most people reached first. The chart shows the "
                     "people reached; the table has every number.",
                     "Cada recurso con actividad en el mes, primero los que más personas alcanzaron. El gráfico "
                     "muestra las personas alcanzadas; la tabla tiene todas las cifras."),
    "movers_title": ("Top movers", "Los que más se movieron"),
    "movers_note": ("The assets whose reach changed most against the month before.",
                    "Los recursos cuyo alcance más cambió respecto al mes anterior."),
    "campaigns_title": ("Campaigns of the month", "Campañas del mes"),
    "campaigns_note": ("Campaigns with spend or people in the month (people count under their first-touch "
                       "campaign), the most leads first.",
                       "Campañas con inversión o personas en el mes (cada persona cuenta en su campaña de primer "
                       "contacto), primero las que más leads trajeron."),
    "credits_title": ("Thank you", "Gracias"),
    "credits_note": ("The people of both teams behind this month's content: authors and helpers of the assets "
                     "published or active in the month.",
                     "Las personas de ambos equipos detrás del contenido del mes: autores y colaboradores de los "
                     "recursos publicados o activos en el mes."),
    "no_rows": ("Nothing this month.", "Nada este mes."),
    "measure": ("Measure", "Medida"),
    "this_month": ("This month", "Este mes"),
    "previous_month": ("Previous month", "Mes anterior"),
    "change": ("Change", "Cambio"),
    "asset": ("Asset", "Recurso"),
    "type": ("Type", "Tipo"),
    "published": ("Published", "Publicado"),
    "author": ("Author", "Autor"),
    "touches": ("Touches", "Contactos"),
    "people_reached": ("People reached", "Personas alcanzadas"),
    "new_leads": ("New leads", "Leads nuevos"),
    "new_mqls": ("New MQLs", "MQL nuevos"),
    "opportunities_influenced": ("Opportunities influenced", "Oportunidades influidas"),
    "pipeline_influenced": ("Pipeline influenced", "Pipeline influido"),
    "won_revenue_attributed": ("Won revenue attributed", "Ingresos ganados atribuidos"),
    "campaign": ("Campaign", "Campaña"),
    "spend": ("Spend", "Inversión"),
    "leads": ("Leads", "Leads"),
    "mqls": ("MQLs", "MQL"),
    "opportunities": ("Opportunities", "Oportunidades"),
    "won_revenue": ("Won revenue", "Ingresos ganados"),
    "team": ("Team", "Equipo"),
    "person": ("Person", "Persona"),
    "assets": ("Assets", "Recursos"),
    "team_marketing": ("Marketing", "Marketing"),
    "team_sales": ("Sales", "Ventas"),
}


def text(lang: str, key: str) -> str:
    """The text ``key`` in ``lang`` (one of LANGUAGES)."""
    return _TEXT[key][LANGUAGES.index(lang)]
