"""Models of the domain core, one module per area."""
from .reference import (  # noqa: F401
    Agency, AgencyKind, DayUnit, DeadlineRule, ElectionPeriod, ElectionStage, ElectionType,
    EmployeeRegime, EscalationStep, Holiday, Region, RegionLevel, SanctionType, SupervisoryBody, ViolationType,
)
from .people import EmployeeType, Respondent, Role, User  # noqa: F401
from .case import (  # noqa: F401
    Case, CaseRespondent, CaseStatus, Clock, ClockState, Note, Notification, Outbox,
    Recommendation, SanctionCategory, SanctionRecord, TrackStatus, ReceiptBasis, GakkumduReferral, RecommendedItem, Deviation, DecisionReview,
    NONE_SET, ACTIVE_BLOCK, BlockState, DataBlock,
)
from .events import AccessKind, AccessRecord, CaseEvent  # noqa: F401
from .letters import LegalBasis, Letter, Letterhead, LetterKind, LetterSequence, LetterSigner, SigningMode  # noqa: F401
from .api import ApiToken, IdempotencyRecord  # noqa: F401
