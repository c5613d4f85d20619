"""The controlled vocabularies of DOMAIN.md. Values are stored in the database as the enum value."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label for the UI, CLI and reports."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, value: object) -> LabelledEnum:
        """Accept a member, its value or its label (any case); else ValueError naming choices."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower()
        for member in cls:
            if text in (member.value, member.label.lower(), member.name.lower()):
                return member
        choices = ", ".join(m.value for m in cls)
        raise ValueError(f"'{value}' is not one of: {choices}")


class PartnershipType(LabelledEnum):
    LAW_ENFORCEMENT_TASK_FORCE = "law_enforcement_task_force"
    GOVERNMENT_BUSINESS_ALLIANCE = "government_business_alliance"
    REGIONAL_INTERGOVERNMENTAL = "regional_intergovernmental"
    NGO_COALITION = "ngo_coalition"
    SURVIVOR_NETWORK = "survivor_network"
    PUBLIC_PRIVATE = "public_private"
    MULTI_SECTOR = "multi_sector"
    OTHER = "other"


class Focus(LabelledEnum):
    """The 4Ps."""

    PREVENTION = "prevention"
    PROTECTION = "protection"
    PROSECUTION = "prosecution"
    PARTNERSHIP = "partnership"


class Sector(LabelledEnum):
    HUMAN_RIGHTS = "human_rights"
    LABOUR_EMPLOYMENT = "labour_employment"
    HEALTH_SERVICES = "health_services"
    LAW_ENFORCEMENT = "law_enforcement"
    JUSTICE = "justice"
    EDUCATION = "education"
    OTHER = "other"


class StrategyStatus(LabelledEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class OrganisationType(LabelledEnum):
    GOVERNMENT = "government"
    LAW_ENFORCEMENT = "law_enforcement"
    NGO = "ngo"
    BUSINESS = "business"
    INTERNATIONAL = "international"
    SURVIVOR_LED = "survivor_led"
    ACADEMIC = "academic"
    FAITH_BASED = "faith_based"
    DONOR = "donor"
    OTHER = "other"


class PartnerRole(LabelledEnum):
    LEAD = "lead"
    IMPLEMENTING_PARTNER = "implementing_partner"
    FUNDER = "funder"
    EVALUATOR = "evaluator"
    MEMBER = "member"


class OutcomeLevel(LabelledEnum):
    OUTPUT = "output"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    IMPACT = "impact"


class DesiredDirection(LabelledEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class SourceType(LabelledEnum):
    EVALUATION_REPORT = "evaluation_report"
    PEER_REVIEWED = "peer_reviewed"
    ADMINISTRATIVE_DATA = "administrative_data"
    MONITORING_DATA = "monitoring_data"
    CASE_STUDY = "case_study"
    EXPERT_OPINION = "expert_opinion"
    SURVIVOR_FEEDBACK = "survivor_feedback"


class StudyDesign(LabelledEnum):
    """Study designs of the rubric, grouped by their design score (DOMAIN.md rubric step 1)."""

    RCT = "rct"
    REGRESSION_DISCONTINUITY = "regression_discontinuity"
    INSTRUMENTAL_VARIABLES = "instrumental_variables"
    NATURAL_EXPERIMENT = "natural_experiment"
    DIFFERENCE_IN_DIFFERENCES = "difference_in_differences"
    MATCHING = "matching"
    COMPARATIVE_ITS = "comparative_its"
    QUASI_EXPERIMENTAL = "quasi_experimental"
    CONTROLLED_BEFORE_AFTER = "controlled_before_after"
    CROSS_SECTION = "cross_section"
    INTERRUPTED_TIME_SERIES = "interrupted_time_series"
    UNCONTROLLED_BEFORE_AFTER = "uncontrolled_before_after"
    MONITORING_TREND = "monitoring_trend"
    QUALITATIVE = "qualitative"
    CASE_STUDY = "case_study"
    DESCRIPTIVE = "descriptive"
    EXPERT_OPINION = "expert_opinion"


class FindingDirection(LabelledEnum):
    FAVOURABLE = "favourable"
    NULL = "null"
    ADVERSE = "adverse"


class EffectSizeType(LabelledEnum):
    SMD = "smd"
    ODDS_RATIO = "odds_ratio"
    PERCENT_CHANGE = "percent_change"


class RatingLevel(LabelledEnum):
    """Levels in the order of DOMAIN.md: best first. NOT_RATED only when there is no evidence."""

    PROVEN = "proven"
    EFFECTIVE = "effective"
    PROMISING = "promising"
    EMERGING = "emerging"
    INCONCLUSIVE = "inconclusive"
    NO_EFFECTS = "no_effects"
    HARMFUL = "harmful"
    NOT_RATED = "not_rated"

    @property
    def rank(self) -> int:
        """0 is best; used to pick a strategy's headline rating and to sort."""
        return list(RatingLevel).index(self)


class Certainty(LabelledEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"


class ExternalRatingSource(LabelledEnum):
    CRIMESOLUTIONS = "crimesolutions"
    BLUEPRINTS = "blueprints"
    WWC = "wwc"
    ESSA_TIER = "essa_tier"
    TIP_TIER = "tip_tier"
    OTHER = "other"


_LABELS: dict[StrEnum, str] = {
    PartnershipType.LAW_ENFORCEMENT_TASK_FORCE: "Law-enforcement task force",
    PartnershipType.GOVERNMENT_BUSINESS_ALLIANCE: "Government-business alliance",
    PartnershipType.REGIONAL_INTERGOVERNMENTAL: "Regional or intergovernmental partnership",
    PartnershipType.NGO_COALITION: "NGO coalition",
    PartnershipType.SURVIVOR_NETWORK: "Survivor network",
    PartnershipType.PUBLIC_PRIVATE: "Public-private partnership",
    PartnershipType.MULTI_SECTOR: "Multi-sector partnership",
    Sector.LABOUR_EMPLOYMENT: "Labour and employment",
    Sector.HEALTH_SERVICES: "Health and services",
    Sector.HUMAN_RIGHTS: "Human rights",
    Sector.LAW_ENFORCEMENT: "Law enforcement",
    OrganisationType.NGO: "NGO",
    OrganisationType.BUSINESS: "Business or business association",
    OrganisationType.INTERNATIONAL: "International organisation",
    OrganisationType.SURVIVOR_LED: "Survivor-led organisation",
    OrganisationType.FAITH_BASED: "Faith-based",
    OrganisationType.LAW_ENFORCEMENT: "Law enforcement",
    PartnerRole.IMPLEMENTING_PARTNER: "Implementing partner",
    OutcomeLevel.SHORT_TERM: "Short-term outcome",
    OutcomeLevel.LONG_TERM: "Long-term outcome",
    SourceType.PEER_REVIEWED: "Peer-reviewed study",
    SourceType.ADMINISTRATIVE_DATA: "Administrative data analysis",
    SourceType.EVALUATION_REPORT: "Evaluation report",
    SourceType.CASE_STUDY: "Case study",
    SourceType.EXPERT_OPINION: "Expert opinion",
    SourceType.SURVIVOR_FEEDBACK: "Survivor feedback",
    SourceType.MONITORING_DATA: "Monitoring data",
    StudyDesign.RCT: "Randomised controlled trial",
    StudyDesign.INSTRUMENTAL_VARIABLES: "Instrumental variables",
    StudyDesign.DIFFERENCE_IN_DIFFERENCES: "Difference-in-differences",
    StudyDesign.COMPARATIVE_ITS: "Comparative interrupted time series",
    StudyDesign.QUASI_EXPERIMENTAL: "Quasi-experimental (comparison group)",
    StudyDesign.CONTROLLED_BEFORE_AFTER: "Controlled before/after",
    StudyDesign.CROSS_SECTION: "Cross-section",
    StudyDesign.UNCONTROLLED_BEFORE_AFTER: "Uncontrolled before/after",
    StudyDesign.CASE_STUDY: "Case study",
    StudyDesign.EXPERT_OPINION: "Expert opinion",
    EffectSizeType.SMD: "Standardised mean difference",
    RatingLevel.NO_EFFECTS: "No effects",
    RatingLevel.NOT_RATED: "Not rated",
    Certainty.VERY_LOW: "Very low",
    ExternalRatingSource.CRIMESOLUTIONS: "CrimeSolutions",
    ExternalRatingSource.WWC: "What Works Clearinghouse",
    ExternalRatingSource.ESSA_TIER: "ESSA tier",
    ExternalRatingSource.TIP_TIER: "TIP report tier",
}
