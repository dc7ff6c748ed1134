"""Export contracts: one explicit contract per vendor export object.

A contract says how a file is recognised (the vendor's own default export names), which raw
table it lands in, its primary key, which columns are required, and the type of every known
column. Headers are matched case- and whitespace-insensitively against the canonical name and
its aliases (HubSpot property labels, localised labels). Columns the contract does not know
(custom fields such as ``Region__c``) are kept as text.

Canonical raw column names are the vendor's API / internal names (Salesforce API field names,
HubSpot internal property names, Marketo REST field names); staging models rename them.

Column types:
    id         text identifier (Salesforce 15/18-char ids, HubSpot numeric ids as text)
    number_id  an identifier the vendor defines as a whole number (Marketo's lead, campaign,
               program and asset ids: ``integer`` in its REST API), digits only, ``bigint``
    text       free text
    timestamp  instant, stored as UTC ``timestamp``
    date       calendar date
    decimal    money / rates, ``decimal(18, 6)``
    integer    counts, scores
    boolean    true/false flags
    id_list    a ``;``-separated list of ids (HubSpot association columns), kept as text

A bad value costs only what it must. Columns are record-level unless declared ``cell`` (with
``cell(C(...))``): keys, required columns and what revenue, stage dates and identity depend on
(amounts, close dates, stages, emails, ids, timestamps) are record-level, and a value there that
does not parse quarantines the record. A ``cell`` column (scores, head counts, probabilities, click
counts: optional figures nothing is derived from) loads as empty instead, and its raw value goes to
``ingest.quarantine`` marked as a cell. A cell column is never required nor part of the key.

A column may also carry a label ``pattern`` (a regular expression matched, case-insensitively,
against the whole label): Meta writes the currency only in the spend header,
``Amount spent (EUR)``, so the pattern's named group ``currency`` fills the ``currency`` column
of every row when the file has no currency column of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatch

SOURCES = ("salesforce", "hubspot", "marketo", "spend", "targets", "content")

LINEAGE_COLUMNS = ("_source_file", "_source_line", "_file_order", "_load_id", "_loaded_at")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    pattern: str | None = None
    # A bad value empties this cell instead of quarantining the record (see the module docstring).
    cell: bool = False

    def header_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Contract:
    source: str
    object: str
    file_patterns: tuple[str, ...]
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    modified_column: str | None = None
    deleted_column: str | None = None
    description: str = ""
    # Names that look like a match but are other objects (Salesforce custom objects, Lead_Score__c.csv).
    exclude_patterns: tuple[str, ...] = ()
    # Reports that end with summary rows ("Total: Campaigns", "Total"): they are not records.
    summary_rows: bool = False
    # Personal data. The column holding the person's email: a record whose email's keyed hash is on
    # the suppression list is not loaded, and `smarketing forget` removes it. Columns that refer to a
    # person's record in another object of the same source, as (column, object): a row referring to
    # a forgotten record is forgotten with it.
    person_email_column: str | None = None
    person_references: tuple[tuple[str, str], ...] = ()
    # A ';'-separated list of the ids of records merged into this one (HubSpot's merged contact ids):
    # a forgotten record's merged ids are forgotten with it.
    merged_ids_column: str | None = None

    @property
    def schema(self) -> str:
        return f"raw_{self.source}"

    @property
    def table(self) -> str:
        return self.object

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def matches(self, file_name: str) -> bool:
        name = file_name.lower()
        if any(fnmatch(name, pattern.lower()) for pattern in self.exclude_patterns):
            return False
        return any(fnmatch(name, pattern.lower()) for pattern in self.file_patterns)


def C(name: str, type: str = "text", required: bool = False, *aliases: str) -> Column:
    return Column(name=name, type=type, required=required, aliases=tuple(aliases))


def cell(column: Column) -> Column:
    """The column as cell-level: a value that does not parse loads as empty, quarantined as a cell."""
    if column.required:
        raise ValueError(f"{column.name}: a required column is record-level")
    return replace(column, cell=True)


# --------------------------------------------------------------------------------------------
# Salesforce: Data Export service / Data Loader CSVs. Header = API field name. File = <Object>.csv,
# numbered parts <Object>_1.csv, <Object>_2.csv ..., browser copies <Object> (1).csv. Only digits
# follow the object name: Lead_Score__c.csv (a custom object) and LeadHistory.csv are not leads,
# and no name with a double underscore (custom objects, __History, __Share) is a standard object.
# --------------------------------------------------------------------------------------------


def _sf(object_api_name: str, table: str, columns: list[Column], *, deleted: bool = True,
        modified: str | None = "SystemModstamp", description: str = "", person_email_column: str | None = None,
        person_references: tuple[tuple[str, str], ...] = ()) -> Contract:
    base = [C("Id", "id", True)]
    tail = []
    if deleted:
        tail.append(C("IsDeleted", "boolean"))
    if modified:
        tail.append(C(modified, "timestamp"))
    return Contract(
        source="salesforce",
        object=table,
        file_patterns=(f"{object_api_name}.csv", f"{object_api_name}_[0-9]*.csv",
                       f"{object_api_name} ([0-9]*).csv", f"{object_api_name}([0-9]*).csv"),
        exclude_patterns=("*__*",),
        primary_key=("Id",),
        columns=tuple(base + columns + tail),
        modified_column=modified,
        deleted_column="IsDeleted" if deleted else None,
        description=description,
        person_email_column=person_email_column,
        person_references=person_references,
    )


SALESFORCE = (
    _sf("Lead", "lead", [
        C("FirstName"), C("LastName"), C("Email"), C("Phone"), C("Company"), C("Title"),
        C("Country"), C("Industry"), cell(C("NumberOfEmployees", "integer")), C("LeadSource"),
        C("Status", "text", True), C("Rating"), C("OwnerId", "id"),
        C("IsConverted", "boolean"), C("ConvertedDate", "date"), C("ConvertedContactId", "id"),
        C("ConvertedAccountId", "id"), C("ConvertedOpportunityId", "id"),
        C("CreatedDate", "timestamp", True), C("LastModifiedDate", "timestamp"),
    ], description="Leads (people not yet converted to contacts).", person_email_column="Email"),
    _sf("Contact", "contact", [
        C("AccountId", "id"), C("FirstName"), C("LastName"), C("Email"), C("Phone"), C("Title"),
        C("MailingCountry"), C("LeadSource"), C("OwnerId", "id"),
        C("CreatedDate", "timestamp", True), C("LastModifiedDate", "timestamp"),
    ], person_email_column="Email"),
    _sf("Account", "account", [
        C("Name", "text", True), C("Website"), C("Industry"), C("Type"), C("BillingCountry"),
        cell(C("NumberOfEmployees", "integer")), cell(C("AnnualRevenue", "decimal")), C("OwnerId", "id"),
        C("CreatedDate", "timestamp", True), C("LastModifiedDate", "timestamp"),
    ]),
    _sf("Opportunity", "opportunity", [
        C("AccountId", "id"), C("Name"), C("StageName", "text", True), C("Amount", "decimal"),
        C("CurrencyIsoCode"), cell(C("Probability", "decimal")), C("CloseDate", "date", True),
        C("IsClosed", "boolean", True), C("IsWon", "boolean", True), C("Type"), C("LeadSource"),
        C("CampaignId", "id"), C("OwnerId", "id"), C("ForecastCategoryName"),
        C("CreatedDate", "timestamp", True), C("LastModifiedDate", "timestamp"),
    ]),
    _sf("OpportunityHistory", "opportunity_history", [
        C("OpportunityId", "id", True), C("StageName", "text", True), C("Amount", "decimal"),
        C("CloseDate", "date"), cell(C("Probability", "decimal")), C("ForecastCategory"),
        C("CreatedById", "id"), C("CreatedDate", "timestamp", True),
    ]),
    _sf("OpportunityContactRole", "opportunity_contact_role", [
        C("OpportunityId", "id", True), C("ContactId", "id", True), C("Role"),
        C("IsPrimary", "boolean"), C("CreatedDate", "timestamp"),
    ], person_references=(("ContactId", "contact"),)),
    _sf("Campaign", "campaign", [
        C("Name", "text", True), C("Type"), C("Status"), C("StartDate", "date"), C("EndDate", "date"),
        C("BudgetedCost", "decimal"), C("ActualCost", "decimal"), C("ParentId", "id"),
        C("IsActive", "boolean"), C("CurrencyIsoCode"), C("CreatedDate", "timestamp"),
    ]),
    _sf("CampaignMember", "campaign_member", [
        C("CampaignId", "id", True), C("LeadId", "id"), C("ContactId", "id"), C("Status"),
        C("HasResponded", "boolean"), C("FirstRespondedDate", "date"),
        C("CreatedDate", "timestamp", True),
    ], person_references=(("LeadId", "lead"), ("ContactId", "contact"))),
    _sf("Task", "task", [
        C("WhoId", "id"), C("WhatId", "id"), C("OwnerId", "id"), C("Subject"), C("Type"),
        C("TaskSubtype"), C("Status"), C("ActivityDate", "date"), C("CompletedDateTime", "timestamp"),
        C("CreatedDate", "timestamp", True),
    ], person_references=(("WhoId", "lead"), ("WhoId", "contact"))),
    _sf("Event", "event", [
        C("WhoId", "id"), C("WhatId", "id"), C("OwnerId", "id"), C("Subject"), C("Type"),
        C("StartDateTime", "timestamp"), C("EndDateTime", "timestamp"),
        C("CreatedDate", "timestamp", True),
    ], person_references=(("WhoId", "lead"), ("WhoId", "contact"))),
    _sf("User", "user", [
        C("Username"), C("FirstName"), C("LastName"), C("Email"), C("Title"), C("Department"),
        C("UserRoleId", "id"), C("TimeZoneSidKey"), C("IsActive", "boolean"),
        C("CreatedDate", "timestamp"),
    ], deleted=False),
    _sf("LeadHistory", "lead_history", [
        C("LeadId", "id", True), C("Field", "text", True), C("DataType"), C("OldValue"),
        C("NewValue"), C("CreatedById", "id"), C("CreatedDate", "timestamp", True),
    ], modified=None, person_references=(("LeadId", "lead"),)),
    _sf("DatedConversionRate", "dated_conversion_rate", [
        C("IsoCode", "text", True), C("ConversionRate", "decimal", True),
        C("StartDate", "date", True), C("NextStartDate", "date"),
    ], deleted=False),
)

# --------------------------------------------------------------------------------------------
# HubSpot: CRM exports from the UI. Default file names look like
#   hubspot-crm-exports-all-contacts-2026-11-01.csv
# Header = property label (English or the account's language) or internal property name.
# --------------------------------------------------------------------------------------------

HUBSPOT = (
    Contract(
        source="hubspot",
        object="contacts",
        person_email_column="email",
        file_patterns=("hubspot-crm-exports-*contacts*.csv", "*contacts*.csv"),
        primary_key=("hs_object_id",),
        modified_column="lastmodifieddate",
        columns=(
            C("hs_object_id", "id", True, "Record ID", "Contact ID", "ID de registro"),
            C("firstname", "text", False, "First Name", "Nombre"),
            C("lastname", "text", False, "Last Name", "Apellidos"),
            C("email", "text", False, "Email", "Correo"),
            C("phone", "text", False, "Phone Number", "Número de teléfono"),
            C("company", "text", False, "Company Name", "Nombre de la empresa"),
            C("jobtitle", "text", False, "Job Title", "Cargo"),
            C("country", "text", False, "Country/Region", "País/región"),
            C("lifecyclestage", "text", False, "Lifecycle Stage", "Etapa del ciclo de vida"),
            C("hs_lead_status", "text", False, "Lead Status", "Estado del lead"),
            # HubSpot number properties are decimals (a score of 1.5 is valid).
            cell(C("hubspotscore", "decimal", False, "HubSpot Score", "Puntuación de HubSpot")),
            C("hs_analytics_source", "text", False, "Original Source", "Fuente original",
              "Original Traffic Source"),
            C("hs_analytics_source_data_1", "text", False, "Original Source Drill-Down 1",
              "Desglose 1 de la fuente original", "Original Traffic Source Drill-Down 1"),
            C("hs_analytics_source_data_2", "text", False, "Original Source Drill-Down 2",
              "Desglose 2 de la fuente original", "Original Traffic Source Drill-Down 2"),
            # UI exports write the owner's name ("Sam Sales"), internal-value exports the owner id.
            C("hubspot_owner_id", "text", False, "Contact owner", "Propietario del contacto"),
            C("associatedcompanyid", "id", False, "Associated Company ID", "Primary Associated Company ID",
              "ID de empresa asociada"),
            C("createdate", "timestamp", True, "Create Date", "Fecha de creación"),
            C("lastmodifieddate", "timestamp", False, "Last Modified Date", "Fecha de última modificación"),
            C("hs_lifecyclestage_subscriber_date", "timestamp", False, "Became a Subscriber Date",
              "Fecha en que se convirtió en suscriptor"),
            C("hs_lifecyclestage_lead_date", "timestamp", False, "Became a Lead Date",
              "Fecha en que se convirtió en lead"),
            C("hs_lifecyclestage_marketingqualifiedlead_date", "timestamp", False,
              "Became a Marketing Qualified Lead Date",
              "Fecha en que se convirtió en lead calificado para marketing"),
            C("hs_lifecyclestage_salesqualifiedlead_date", "timestamp", False,
              "Became a Sales Qualified Lead Date", "Fecha en que se convirtió en lead calificado para ventas"),
            C("hs_lifecyclestage_opportunity_date", "timestamp", False, "Became an Opportunity Date",
              "Fecha en que se convirtió en oportunidad"),
            C("hs_lifecyclestage_customer_date", "timestamp", False, "Became a Customer Date",
              "Fecha en que se convirtió en cliente"),
            C("hs_lifecyclestage_evangelist_date", "timestamp", False, "Became an Evangelist Date",
              "Fecha en que se convirtió en promotor"),
            C("hs_merged_object_ids", "id_list", False, "Merged Contact IDs", "Merged Record IDs"),
        ),
        merged_ids_column="hs_merged_object_ids",
    ),
    Contract(
        source="hubspot",
        object="companies",
        file_patterns=("hubspot-crm-exports-*compan*.csv", "*companies*.csv", "*empresas*.csv"),
        primary_key=("hs_object_id",),
        modified_column="hs_lastmodifieddate",
        columns=(
            C("hs_object_id", "id", True, "Record ID", "Company ID", "ID de registro"),
            C("name", "text", False, "Company name", "Name", "Nombre de la empresa"),
            C("domain", "text", False, "Company Domain Name", "Nombre de dominio de la empresa"),
            C("country", "text", False, "Country/Region", "País/región"),
            C("industry", "text", False, "Industry", "Sector"),
            cell(C("numberofemployees", "integer", False, "Number of Employees", "Número de empleados")),
            cell(C("annualrevenue", "decimal", False, "Annual Revenue", "Ingresos anuales")),
            C("hubspot_owner_id", "text", False, "Company owner", "Propietario de la empresa"),
            C("createdate", "timestamp", True, "Create Date", "Fecha de creación"),
            C("hs_lastmodifieddate", "timestamp", False, "Last Modified Date", "Fecha de última modificación"),
        ),
    ),
    Contract(
        source="hubspot",
        object="deals",
        file_patterns=("hubspot-crm-exports-*deals*.csv", "*deals*.csv", "*negocios*.csv"),
        primary_key=("hs_object_id",),
        modified_column="hs_lastmodifieddate",
        columns=(
            C("hs_object_id", "id", True, "Record ID", "Deal ID", "ID de registro"),
            C("dealname", "text", False, "Deal Name", "Nombre del negocio"),
            C("pipeline", "text", False, "Pipeline"),
            C("dealstage", "text", True, "Deal Stage", "Etapa del negocio"),
            C("amount", "decimal", False, "Amount", "Cantidad", "Importe"),
            C("deal_currency_code", "text", False, "Currency", "Moneda"),
            C("closedate", "timestamp", False, "Close Date", "Fecha de cierre"),
            C("createdate", "timestamp", True, "Create Date", "Fecha de creación"),
            C("hs_is_closed", "boolean", False, "Is Closed", "Is closed", "Is Deal Closed?"),
            C("hs_is_closed_won", "boolean", False, "Is Closed Won", "Is closed won"),
            C("hubspot_owner_id", "text", False, "Deal owner", "Propietario del negocio"),
            # "Associated Contact" / "Associated Company" hold record names, not ids: custom columns.
            C("associated_contact_ids", "id_list", False, "Associated Contact IDs"),
            C("associated_company_ids", "id_list", False, "Associated Company IDs",
              "Associated Company IDs (Primary)"),
            C("hs_lastmodifieddate", "timestamp", False, "Last Modified Date", "Fecha de última modificación"),
        ),
    ),
    Contract(
        source="hubspot",
        object="form_submissions",
        person_email_column="email",
        person_references=(("contact_id", "contacts"),),
        file_patterns=("hubspot-*form-submissions*.csv", "*form*submissions*.csv"),
        primary_key=("conversion_id",),
        columns=(
            C("conversion_id", "id", True, "Conversion ID", "Submission ID"),
            C("contact_id", "id", False, "Contact ID", "Record ID"),
            C("email", "text", False, "Email", "Correo"),
            C("form_name", "text", True, "Form name", "Form", "Nombre del formulario"),
            C("page_url", "text", False, "Page URL", "URL de la página"),
            C("submitted_at", "timestamp", True, "Conversion Date", "Submitted at", "Fecha de conversión"),
        ),
    ),
    Contract(
        source="hubspot",
        object="email_events",
        person_email_column="recipient",
        file_patterns=("hubspot-*email-events*.csv", "*email*events*.csv"),
        primary_key=("event_id",),
        columns=(
            C("event_id", "id", True, "Event ID"),
            C("recipient", "text", True, "Recipient", "Email"),
            # "Email" is the recipient; the email sent is "Email name".
            C("email_campaign", "text", False, "Email name", "Campaign"),
            C("event_type", "text", True, "Event type", "Type"),
            C("occurred_at", "timestamp", True, "Created", "Event date", "Timestamp"),
            C("url", "text", False, "URL", "Link URL"),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Marketo: bulk extract CSVs (REST field names as headers).
# --------------------------------------------------------------------------------------------

MARKETO = (
    Contract(
        source="marketo",
        object="leads",
        person_email_column="email",
        file_patterns=("*lead*.csv",),
        primary_key=("id",),
        modified_column="updatedAt",
        columns=(
            C("id", "number_id", True), C("email"), C("firstName"), C("lastName"), C("company"),
            C("title"), C("country"), C("leadSource"), C("leadStatus"), cell(C("leadScore", "integer")),
            C("sfdcLeadId", "id"), C("sfdcContactId", "id"),
            C("createdAt", "timestamp", True), C("updatedAt", "timestamp"),
        ),
    ),
    Contract(
        source="marketo",
        object="activities",
        person_references=(("leadId", "leads"),),
        file_patterns=("*activit*.csv",),
        primary_key=("marketoGUID",),
        columns=(
            # marketoGUID is a string in the REST API, the other ids integers.
            C("marketoGUID", "id", True), C("leadId", "number_id", True), C("activityDate", "timestamp", True),
            C("activityTypeId", "integer", True), C("activityTypeName"), C("campaignId", "number_id"),
            C("primaryAttributeValueId", "number_id"), C("primaryAttributeValue"), C("attributes"),
        ),
    ),
    Contract(
        source="marketo",
        object="programs",
        file_patterns=("*program*.csv",),
        primary_key=("id", "costStartDate"),
        columns=(
            C("id", "number_id", True), C("name", "text", True), C("type"), C("channel"),
            C("costStartDate", "date"), C("cost", "decimal"), C("costNote"), C("currency"),
            C("createdAt", "timestamp"),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Ad spend: campaign performance exports. Google Ads and LinkedIn exports carry report-title
# lines above the header; the loader finds the header row.
# --------------------------------------------------------------------------------------------

SPEND = (
    Contract(
        source="spend",
        object="google_ads",
        file_patterns=("*google*.csv",),
        primary_key=("day", "campaign_id"),
        columns=(
            C("day", "date", True, "Day", "Date"),
            C("campaign", "text", True, "Campaign"),
            C("campaign_id", "id", True, "Campaign ID"),
            C("currency", "text", True, "Currency code", "Currency"),
            C("cost", "decimal", True, "Cost"),
            cell(C("clicks", "integer", False, "Clicks")),
            cell(C("impressions", "integer", False, "Impr.", "Impressions")),
        ),
        summary_rows=True,
    ),
    Contract(
        source="spend",
        object="linkedin_ads",
        file_patterns=("*linkedin*.csv",),
        primary_key=("start_date", "campaign_id"),
        columns=(
            C("start_date", "date", True, "Start Date (in UTC)"),
            C("campaign_name", "text", True, "Campaign Name"),
            C("campaign_id", "id", True, "Campaign ID"),
            C("currency", "text", True, "Currency"),
            C("total_spent", "decimal", True, "Total Spent"),
            cell(C("clicks", "integer", False, "Clicks")),
            cell(C("impressions", "integer", False, "Impressions")),
        ),
        summary_rows=True,
    ),
    Contract(
        source="spend",
        object="meta_ads",
        file_patterns=("*meta*.csv", "*facebook*.csv"),
        primary_key=("day", "campaign_id"),
        columns=(
            C("day", "date", True, "Day", "Reporting starts"),
            C("reporting_ends", "date", False, "Reporting ends"),
            C("campaign_name", "text", True, "Campaign name"),
            C("campaign_id", "id", True, "Campaign ID"),
            # Meta has no currency column: the spend header says it, "Amount spent (EUR)".
            C("currency", "text", True, "Currency"),
            replace(C("amount_spent", "decimal", True, "Amount spent"),
                    pattern=r"Amount spent \((?P<currency>[A-Za-z]{3})\)"),
            cell(C("clicks", "integer", False, "Clicks (all)", "Clicks")),
            cell(C("impressions", "integer", False, "Impressions")),
        ),
    ),
    # Dated exchange rates, a plain alternative to Salesforce DatedConversionRate: one unit of
    # base_currency buys `rate` units of currency from `date` until the next date listed for the
    # same pair (header `date,base_currency,currency,rate`). When delivered, these rates replace
    # DatedConversionRate (dbt int_fx_rates).
    Contract(
        source="spend",
        object="fx_rates",
        file_patterns=("*fx*rate*.csv", "*exchange*rate*.csv", "*currency*rate*.csv"),
        primary_key=("valid_from", "base_currency", "currency"),
        columns=(
            C("valid_from", "date", True, "Date", "Valid from"),
            C("base_currency", "text", True, "Base currency", "Base"),
            C("currency", "text", True, "Currency", "Quote currency", "Quote"),
            C("rate", "decimal", True, "Rate"),
        ),
    ),
    # Optional sales costs (salaries, commissions, tools) per month, for the marketing + sales
    # cost share of revenue (header `month,category,currency,amount`; month = any date in the
    # month, the first day by convention).
    Contract(
        source="spend",
        object="sales_costs",
        file_patterns=("*sales*cost*.csv",),
        primary_key=("cost_month", "category", "currency"),
        columns=(
            C("cost_month", "date", True, "Month"),
            C("category", "text", True, "Category"),
            C("currency", "text", True, "Currency"),
            C("amount", "decimal", True, "Amount"),
        ),
    ),
    Contract(
        source="spend",
        object="campaign_mapping",
        file_patterns=("*mapping*.csv",),
        primary_key=("platform", "ad_campaign"),
        columns=(
            C("platform", "text", True), C("ad_campaign", "text", True),
            C("crm_campaign_id", "id", False), C("utm_campaign", "text", False),
            C("channel", "text", False),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Targets: the company's own plan, a CSV kept by hand (any name, recognised by its header too).
# One row per month and, optionally, region and/or channel; blank region / channel = all of them.
# --------------------------------------------------------------------------------------------

TARGETS = (
    Contract(
        source="targets",
        object="mql_targets",
        file_patterns=("*mql*target*.csv", "*mql*plan*.csv"),
        primary_key=("month", "region", "channel"),
        columns=(
            C("month", "date", True, "Month"),
            C("region", "text", False, "Region"),
            C("channel", "text", False, "Channel"),
            C("target_mqls", "integer", True, "Target MQLs", "MQL target", "Target"),
        ),
        description="Monthly MQL targets (marketing's side of the agreement), by month and optionally region "
                    "and/or channel.",
    ),
)

# --------------------------------------------------------------------------------------------
# Content: the content calendar, the company's own CSV kept by hand (any name, recognised by its
# header too). One row per content asset: its name as forms, emails and campaigns show it, what it
# is, where it lives, when it was published and who produced it, from both teams.
# --------------------------------------------------------------------------------------------

CONTENT = (
    Contract(
        source="content",
        object="content_calendar",
        file_patterns=("*content*calendar*.csv", "*content*plan*.csv", "*editorial*calendar*.csv"),
        primary_key=("asset_name",),
        columns=(
            C("asset_name", "text", True, "Asset name", "Asset", "Nombre del recurso"),
            C("campaign_name", "text", False, "Campaign name", "Campaign", "Nombre de la campaña"),
            C("asset_type", "text", True, "Asset type", "Type", "Tipo"),
            C("url", "text", False, "URL"),
            C("published_date", "date", True, "Published date", "Published", "Fecha de publicación"),
            C("author", "text", True, "Author", "Autor"),
            C("author_team", "text", True, "Author team", "Team", "Equipo del autor"),
            C("marketing_helpers", "text", False, "Marketing helpers", "Colaboradores de marketing"),
            C("sales_helpers", "text", False, "Sales helpers", "Colaboradores de ventas"),
        ),
        description="The content calendar: every published content asset, its type, URL, publication date "
                    "and the people of both teams who produced it.",
    ),
)

CONTRACTS: tuple[Contract, ...] = SALESFORCE + HUBSPOT + MARKETO + SPEND + TARGETS + CONTENT


def row_version_meta(contract: Contract) -> dict[str, list[str] | str | None]:
    """How the versions of one record are told apart, as dbt reads it: the primary key, the
    modified column that orders versions (none: file order, then line) and the column that marks a
    deleted record. Each raw table's entry in dbt_project/models/staging/<source>/_<source>__sources.yml
    carries it as ``meta: contract:``, written from here by ``smarketing prepare`` (orchestration/dbt_generated.py; a test fails
    when the YAML and the contracts disagree)."""
    return {
        "primary_key": list(contract.primary_key),
        "modified_column": contract.modified_column,
        "deleted_column": contract.deleted_column,
    }


def contracts_for(source: str) -> tuple[Contract, ...]:
    return tuple(c for c in CONTRACTS if c.source == source)


def contract_for_file(source: str, file_name: str) -> Contract | None:
    """The contract a file belongs to, by the vendor's default export name (first match wins)."""
    for contract in contracts_for(source):
        if contract.matches(file_name):
            return contract
    return None


# Column types whose values are kept as written (not parsed).
TEXT_TYPES = ("text", "id_list")

# DuckDB / portable SQL type of each contract column type in the raw tables.
RAW_SQL_TYPES = {
    "id": "varchar",
    "number_id": "bigint",
    "text": "varchar",
    "id_list": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "decimal": "decimal(18, 6)",
    "integer": "bigint",
    "boolean": "boolean",
}

LINEAGE_SQL_TYPES = {
    "_source_file": "varchar",
    "_source_line": "bigint",
    "_file_order": "bigint",
    "_load_id": "varchar",
    "_loaded_at": "timestamp",
}


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL; header and file names are untrusted input."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    """A SQL string literal (standard SQL quoting: DuckDB treats backslashes literally); values and
    file names are untrusted input."""
    return "'" + str(value).replace("'", "''") + "'"


def raw_table_ddl(contract: Contract) -> str:
    """`create table if not exists` for a contract's raw table (known columns + lineage)."""
    cols = [f"{quote_ident(c.name)} {RAW_SQL_TYPES[c.type]}" for c in contract.columns]
    cols += [f"{quote_ident(n)} {t}" for n, t in LINEAGE_SQL_TYPES.items()]
    return (
        f"create table if not exists {quote_ident(contract.schema)}.{quote_ident(contract.table)} (\n    "
        + ",\n    ".join(cols)
        + "\n)"
    )
