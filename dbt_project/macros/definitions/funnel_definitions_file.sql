{#
    definitions/funnel_definitions.yml as dbt reads it when no `funnel_definitions` var is passed
    (the file parsed and validated as the pipeline passes it). Written from the file by
    `smarketing prepare` (and before every `smarketing run`); do not edit: edit the file.
#}
{% macro funnel_definitions_file() -%}
{%- set document -%}{% raw %}
{
  "engagement_events": {
    "email_event_types": {
      "CLICK": "email_click",
      "OPEN": "email_open"
    },
    "form_event_types": [
      {
        "event_type": "demo_request",
        "pattern": "%demo%"
      },
      {
        "event_type": "demo_request",
        "pattern": "%contact sales%"
      },
      {
        "event_type": "webinar_registration",
        "pattern": "%webinar%"
      },
      {
        "event_type": "content_download",
        "pattern": "%ebook%"
      },
      {
        "event_type": "content_download",
        "pattern": "%whitepaper%"
      },
      {
        "event_type": "form_submission",
        "pattern": "%"
      }
    ],
    "marketo_activity_types": {
      "1": "web_visit",
      "10": "email_open",
      "11": "email_click"
    }
  },
  "reporting": {
    "content_attribution_model": "w_shaped",
    "currency": "EUR",
    "timezone": "Europe/Madrid"
  },
  "segments": [
    {
      "max_employees": 199,
      "name": "SMB"
    },
    {
      "max_employees": 999,
      "name": "Mid-Market"
    },
    {
      "max_employees": null,
      "name": "Enterprise"
    }
  ],
  "stages": [
    "subscriber",
    "lead",
    "mql",
    "sql",
    "opportunity",
    "customer",
    "evangelist"
  ],
  "touches": {
    "attended_member_statuses": [
      "Attended"
    ],
    "engagement_event_types": [
      "form_submission",
      "content_download",
      "webinar_registration",
      "demo_request",
      "email_click",
      "web_visit"
    ]
  },
  "versions": [
    {
      "attribution": {
        "data_driven": {
          "conversion": "won_opportunity",
          "min_converting_journeys": 10,
          "min_journeys": 30,
          "state": "channel"
        },
        "lookback_days": 365,
        "models": {
          "first_touch": {
            "positions": {
              "first_touch": 1
            }
          },
          "full_path": {
            "others": 0.1,
            "positions": {
              "closed_won": 0.225,
              "first_touch": 0.225,
              "lead_creation": 0.225,
              "opportunity_creation": 0.225
            }
          },
          "last_touch": {
            "positions": {
              "last_touch": 1
            }
          },
          "lead_creation": {
            "positions": {
              "lead_creation": 1
            }
          },
          "linear": {
            "others": 1
          },
          "markov": {
            "method": "markov"
          },
          "shapley": {
            "method": "shapley"
          },
          "time_decay": {
            "half_life_days": 7,
            "others": 1
          },
          "u_shaped": {
            "others": 0.2,
            "positions": {
              "first_touch": 0.4,
              "lead_creation": 0.4
            }
          },
          "w_shaped": {
            "others": 0.1,
            "positions": {
              "first_touch": 0.3,
              "lead_creation": 0.3,
              "opportunity_creation": 0.3
            }
          }
        }
      },
      "description": "First governed definition agreed by marketing and sales: engagement-scored MQL with hand-raisers qualifying at once, SQL on sales qualification or opportunity creation, 24 calendar hours for the first sales touch.\n",
      "effective_from": "2020-01-01",
      "evangelist": {
        "advocacy_form_names": [
          "Customer referral",
          "Case study participation"
        ]
      },
      "handoff": {
        "business_hours": {
          "days": [
            "mon",
            "tue",
            "wed",
            "thu",
            "fri"
          ],
          "end": "18:00",
          "start": "09:00"
        },
        "disqualified_lead_statuses": [
          "Disqualified"
        ],
        "recycled_lead_statuses": [
          "Recycled"
        ],
        "sla_clock": "calendar",
        "sla_hours": 24
      },
      "lead": {
        "conversion_event_types": [
          "form_submission",
          "content_download",
          "webinar_registration",
          "demo_request"
        ],
        "crm_lead_record_counts": true
      },
      "mql": {
        "engagement_weights": {
          "content_download": 15,
          "demo_request": 40,
          "email_click": 5,
          "email_open": 0,
          "form_submission": 10,
          "web_visit": 2,
          "webinar_registration": 10
        },
        "exclusions": {
          "competitor_domains": [
            "rivalmetrics.io"
          ],
          "internal_domains": [
            "smarketing-demo.com"
          ],
          "personal_email_domains": [
            "gmail.com",
            "hotmail.com",
            "outlook.com",
            "yahoo.com",
            "icloud.com",
            "live.com"
          ],
          "student_email_domain_patterns": [
            "%.edu",
            "%.edu.__",
            "%.ac.__"
          ]
        },
        "fit": {
          "regions": [
            "Europe",
            "North America"
          ]
        },
        "hand_raiser_event_types": [
          "demo_request"
        ],
        "score_decay": {
          "half_life_days": 180
        },
        "score_threshold": 40,
        "source_score_threshold": 60
      },
      "owner": "RevOps",
      "recycle": {
        "reentry_stage": "mql"
      },
      "sql": {
        "opportunity_created_qualifies": true,
        "qualifying_lead_statuses": [
          "Sales Qualified"
        ]
      },
      "version": "2025.1"
    }
  ]
}
{% endraw %}{%- endset -%}
{{ return(fromjson(document)) }}
{%- endmacro %}
