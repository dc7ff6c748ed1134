"""`smarketing definitions --summary`: the version in force and its changes, in English and Spanish.

The expected texts are written by hand from the small definitions file below."""

import datetime as dt

import pytest

from orchestration.cli import main
from orchestration.definitions_messages import MESSAGES
from orchestration.definitions_summary import placeholders

DEFINITIONS = """
reporting: {currency: USD, timezone: America/New_York, content_attribution_model: u_shaped}
stages: [subscriber, lead, mql, sql, opportunity, customer, evangelist]
segments:
  - {name: Small, max_employees: 50}
  - {name: Large, max_employees: null}
engagement_events:
  form_event_types: [{pattern: "%demo%", event_type: demo_request}, {pattern: "%", event_type: form_submission}]
  email_event_types: {CLICK: email_click}
  marketo_activity_types: {}
touches:
  engagement_event_types: [form_submission, demo_request]
  attended_member_statuses: [Attended]
versions:
  - version: "v1"
    effective_from: "2024-01-01"
    owner: Marketing Ops
    lead: {conversion_event_types: [form_submission], crm_lead_record_counts: true}
    mql:
      score_threshold: 30
      engagement_weights: {email_click: 5, form_submission: 10, demo_request: 30}
      score_decay: {half_life_days: 90}
      hand_raiser_event_types: [demo_request]
      exclusions: {competitor_domains: [rival.io]}
    sql: {qualifying_lead_statuses: [Qualified], opportunity_created_qualifies: true}
    evangelist: {advocacy_form_names: [Referral]}
    handoff:
      sla_hours: 24
      sla_clock: calendar
      business_hours: {start: "09:00", end: "17:00", days: [mon, tue, wed, thu, fri]}
      disqualified_lead_statuses: [Disqualified]
      recycled_lead_statuses: [Nurture]
    recycle: {reentry_stage: mql}
    attribution:
      lookback_days: 180
      models:
        first_touch: {positions: {first_touch: 1}}
        u_shaped: {positions: {first_touch: 0.4, lead_creation: 0.4}, others: 0.2}
  - version: "v2"
    effective_from: "2025-03-01"
    owner: RevOps
    description: >
      Stricter MQL, business-hours SLA.
    lead: {conversion_event_types: [form_submission, demo_request], crm_lead_record_counts: false}
    mql:
      score_threshold: 42.5
      engagement_weights: {email_click: 2.5, form_submission: 10, demo_request: 30}
      hand_raiser_event_types: [demo_request]
      fit: {regions: [EMEA, APAC]}
      source_score_threshold: 70
      exclusions: {competitor_domains: [rival.io], student_domain_patterns: ["%.edu"]}
    sql: {qualifying_lead_statuses: [Qualified, Accepted], opportunity_created_qualifies: false}
    evangelist: {advocacy_form_names: []}
    handoff:
      sla_hours: 8
      sla_clock: business
      business_hours: {start: "08:30", end: "17:00", days: [mon, tue, wed, thu]}
      disqualified_lead_statuses: [Disqualified, Spam]
      recycled_lead_statuses: [Nurture]
    attribution:
      lookback_days: 90
      models:
        u_shaped: {positions: {first_touch: 0.45, lead_creation: 0.45}, others: 0.1}
        decay: {others: 1, half_life_days: 7}
"""

ENGLISH_V2 = """\
Funnel definitions in force on 2025-06-30: version v2, effective from 2025-03-01
Owner: RevOps.
Stricter MQL, business-hours SLA.

Reporting
  - Amounts are reported in USD; reporting dates follow the America/New_York time zone.
  - Content impact credits won revenue under the attribution model u_shaped.

Lead
  - A known person becomes a lead at their first form_submission or demo_request.
  - A lead record created in the CRM does not by itself make the person a lead.

MQL (marketing-qualified lead)
  - A lead becomes an MQL when their engagement score reaches 42.5 points.
  - Points per event: email_click 2.5, form_submission 10, demo_request 30.
  - Points never decay.
  - Hand-raisers qualify at once, whatever their score or fit: demo_request.
  - The score rules only qualify people in the sales regions EMEA and APAC.
  - A lead score of 70 or more in the source system also qualifies.
  - Never an MQL: people whose email domain is in competitor_domains (rival.io).
  - Never an MQL: people whose email domain matches student_domain_patterns (%.edu).

SQL (sales-qualified lead)
  - A person becomes an SQL when sales moves their lead to Qualified or Accepted.

Evangelist
  - No form makes a customer an evangelist.

Handoff to sales
  - Sales must make the first touch on an MQL within 8 business hours of the handoff (08:30-17:00 on Monday, \
Tuesday, Wednesday and Thursday, in the lead owner's time zone).
  - Lead statuses that disqualify a lead: Disqualified or Spam; that send it back to marketing: Nurture.

Recycling
  - A recycled lead cannot qualify again.

Attribution
  - Touches count from 90 days before the opportunity was created until it closed.
  - Model u_shaped: 45% to the first touch, 45% to the lead-creation touch and 10% split equally among the \
other touches.
  - Model decay: 100% among all touches by time decay (half-life 7 days).

Changes from version v1 (effective from 2024-01-01)
  - Owner: Marketing Ops -> RevOps
  - Events that make a lead: form_submission -> form_submission, demo_request
  - A CRM lead record makes a lead: yes -> no
  - MQL score threshold (points): 30 -> 42.5
  - Points for email_click: 5 -> 2.5
  - Sales regions that fit: EMEA, APAC (new)
  - Source system score threshold: 70 (new)
  - Excluded email domains (student_domain_patterns): %.edu (new)
  - Score half-life (days): removed (was 90)
  - Lead statuses that make an SQL: Qualified -> Qualified, Accepted
  - An opportunity makes an SQL: yes -> no
  - Forms that make an evangelist: Referral -> none
  - Sales touch SLA (hours): 24 -> 8
  - SLA clock: calendar hours -> business hours
  - Business hours start: 09:00 -> 08:30
  - Business days: Monday, Tuesday, Wednesday, Thursday and Friday -> Monday, Tuesday, Wednesday and Thursday
  - Lead statuses that disqualify: Disqualified -> Disqualified, Spam
  - Attribution lookback (days): 180 -> 90
  - Attribution model u_shaped, share of the first touch: 40% -> 45%
  - Attribution model u_shaped, share of the lead-creation touch: 40% -> 45%
  - Attribution model u_shaped, share of the other touches: 20% -> 10%
  - Attribution model decay: 100% among all touches by time decay (half-life 7 days) (new)
  - Attribution model first_touch: removed (was 100% to the first touch)
  - Stage a recycled lead can re-enter: removed (was mql)
"""

SPANISH_V2 = """\
Definiciones del embudo vigentes el 2025-06-30: versión v2, en vigor desde el 2025-03-01
Responsable: RevOps.
Stricter MQL, business-hours SLA.

Informes
  - Los importes se expresan en USD; las fechas de los informes siguen la zona horaria America/New_York.
  - El impacto del contenido acredita los ingresos ganados con el modelo de atribución u_shaped.

Lead
  - Una persona conocida pasa a ser lead con su primer evento de tipo form_submission o demo_request.
  - Un registro de lead creado en el CRM no basta por sí solo para convertirla en lead.

MQL (lead cualificado por marketing)
  - Un lead pasa a ser MQL cuando su puntuación de interacción llega a 42,5 puntos.
  - Puntos por evento: email_click 2,5, form_submission 10, demo_request 30.
  - Los puntos no caducan.
  - Quienes levantan la mano se cualifican al momento, sea cual sea su puntuación o su encaje: demo_request.
  - Las reglas de puntuación solo cualifican a personas de las regiones de ventas EMEA y APAC.
  - Una puntuación de lead de 70 o más en el sistema de origen también cualifica.
  - Nunca serán MQL las personas cuyo dominio de correo está en competitor_domains (rival.io).
  - Nunca serán MQL las personas cuyo dominio de correo coincide con student_domain_patterns (%.edu).

SQL (lead cualificado por ventas)
  - Una persona pasa a ser SQL cuando ventas cambia su lead a Qualified o Accepted.

Evangelizador
  - Ningún formulario convierte a un cliente en evangelizador.

Traspaso a ventas
  - Ventas debe hacer el primer contacto con un MQL en un plazo de 8 horas laborables desde el traspaso (de 08:30 \
a 17:00, lunes, martes, miércoles y jueves, en la zona horaria del propietario del lead).
  - Estados de lead que lo descalifican: Disqualified o Spam; que lo devuelven a marketing: Nurture.

Reciclaje
  - Un lead reciclado no puede volver a cualificarse.

Atribución
  - Los contactos cuentan desde 90 días antes de crearse la oportunidad hasta su cierre.
  - Modelo u_shaped: 45 % al primer contacto, 45 % al contacto de creación del lead y 10 % a partes iguales entre \
los demás contactos.
  - Modelo decay: 100 % entre todos los contactos con decaimiento temporal (vida media de 7 días).

Cambios respecto a la versión v1 (en vigor desde el 2024-01-01)
  - Responsable: Marketing Ops -> RevOps
  - Eventos que generan un lead: form_submission -> form_submission, demo_request
  - Un registro de lead en el CRM genera un lead: sí -> no
  - Umbral de puntuación para MQL (puntos): 30 -> 42,5
  - Puntos por email_click: 5 -> 2,5
  - Regiones de ventas que encajan: EMEA, APAC (se añade)
  - Umbral de puntuación del sistema de origen: 70 (se añade)
  - Dominios de correo excluidos (student_domain_patterns): %.edu (se añade)
  - Vida media de la puntuación (días): se suprime (era 90)
  - Estados de lead que generan un SQL: Qualified -> Qualified, Accepted
  - Una oportunidad genera un SQL: sí -> no
  - Formularios que generan un evangelizador: Referral -> ninguno
  - Plazo del primer contacto de ventas (horas): 24 -> 8
  - Reloj del plazo: horas naturales -> horas laborables
  - Inicio del horario laboral: 09:00 -> 08:30
  - Días laborables: lunes, martes, miércoles, jueves y viernes -> lunes, martes, miércoles y jueves
  - Estados de lead que descalifican: Disqualified -> Disqualified, Spam
  - Ventana de atribución (días): 180 -> 90
  - Modelo de atribución u_shaped, parte del primer contacto: 40 % -> 45 %
  - Modelo de atribución u_shaped, parte del contacto de creación del lead: 40 % -> 45 %
  - Modelo de atribución u_shaped, parte de los demás contactos: 20 % -> 10 %
  - Modelo de atribución decay: 100 % entre todos los contactos con decaimiento temporal (vida media de 7 días) \
(se añade)
  - Modelo de atribución first_touch: se suprime (era 100 % al primer contacto)
  - Etapa a la que puede volver un lead reciclado: se suprime (era mql)
"""


@pytest.fixture
def definitions_file(tmp_path):
    path = tmp_path / "definitions.yml"
    path.write_text(DEFINITIONS, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("lang", "expected"), [("en", ENGLISH_V2), ("es", SPANISH_V2)])
def test_summary_of_the_version_in_force_and_its_changes(definitions_file, capsys, lang, expected):
    assert main(["definitions", "--file", definitions_file, "--summary", "--lang", lang,
                 "--as-of", "2025-06-30"]) == 0
    assert capsys.readouterr().out == expected


def test_the_first_version_has_nothing_to_compare_with(definitions_file, capsys):
    assert main(["definitions", "--file", definitions_file, "--summary", "--as-of", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Funnel definitions in force on 2024-12-31: version v1, effective from 2024-01-01\n"
                          "Owner: Marketing Ops.\n\nReporting\n")
    assert ("Handoff to sales\n"
            "  - Sales must make the first touch on an MQL within 24 calendar hours of the handoff.\n"
            "  - Lead statuses that disqualify a lead: Disqualified; that send it back to marketing: Nurture.\n\n"
            "Recycling\n"
            "  - A recycled lead goes back to marketing's nurture and can become an MQL again, its score counted "
            "afresh from the recycle.\n") in out
    assert out.endswith("  - Model first_touch: 100% to the first touch.\n"
                        "  - Model u_shaped: 40% to the first touch, 40% to the lead-creation touch and 20% split "
                        "equally among the other touches.\n\n"
                        "This is the first version: there is no earlier one to compare with.\n")


def test_no_version_in_force_is_an_error(definitions_file, capsys):
    assert main(["definitions", "--file", definitions_file, "--summary", "--as-of", "2023-12-31"]) == 2
    assert "no definitions version is in force on 2023-12-31" in capsys.readouterr().err


def test_a_setting_without_words_is_listed_by_its_key_path():
    import yaml

    from orchestration.definitions_summary import summary

    definitions = yaml.safe_load(DEFINITIONS)
    for version in definitions["versions"]:
        version["effective_from"] = version["effective_from"].isoformat() if isinstance(
            version["effective_from"], dt.date) else version["effective_from"]
    definitions["versions"][1]["attribution"]["reporting_model"] = "u_shaped"
    text = summary(definitions, as_of=dt.date(2025, 6, 30))
    assert "  - attribution.reporting_model: u_shaped (new)\n" in text


def test_the_catalogues_say_the_same_things():
    english, spanish = MESSAGES["en"], MESSAGES["es"]
    assert set(english) == set(spanish)
    assert {key: placeholders(text) for key, text in english.items()} == {
        key: placeholders(text) for key, text in spanish.items()}


def test_spanish_lists_change_their_conjunction_before_the_same_sound():
    from orchestration.definitions_summary import _Words

    spanish, english = _Words("es"), _Words("en")
    assert spanish.join(["Europe", "Iberia"]) == "Europe e Iberia"
    assert spanish.join(["Europe", "hierro"]) == "Europe y hierro"
    assert spanish.join(["Spam", "Other"], "or") == "Spam u Other"
    assert spanish.join(["Spam", "Nurture"], "or") == "Spam o Nurture"
    assert english.join(["Europe", "Iberia"]) == "Europe and Iberia"
