"""The permit counter's configuration (ANPR_EXEMPTIONS_COUNTER, JSON): what a day permit covers, the
prices, the limits on what applicants send."""

from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions.domain.applications import ApplicationKind


class CounterPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The ZE zone's day permit: the regime and zones the permit covers, the vehicles it is for.
    day_permit_regimes: tuple[str, ...] = ("ze-zone-centrum",)
    day_permit_zones: tuple[str, ...] = ("centrum",)
    day_permit_categories: tuple[str, ...] = ("N1", "N2", "N3")
    zero_emission_fuels: tuple[str, ...] = ("Elektriciteit", "Waterstof")
    wheelchair_codes: tuple[str, ...] = ("70", "145", "146", "147", "148", "149")
    horizon_days: int = Field(default=90, ge=1)  # how far ahead a day permit may be bought
    # Price per kind in euro cents (the payment itself is outside the platform: a reference and a mark).
    fees_cents: dict[ApplicationKind, int] = Field(
        default_factory=lambda: {
            ApplicationKind.DAY_PERMIT: 2500,
            ApplicationKind.RESIDENT: 5000,
            ApplicationKind.BUSINESS: 10000,
            ApplicationKind.DISABLED: 0,
            ApplicationKind.WORKS: 7500,
        }
    )
    max_document_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
    max_documents: int = Field(default=5, ge=1)
    max_details: int = Field(default=2000, ge=1)
    # New applications per applicant per hour (429 beyond): counted in the database, so every instance agrees.
    applications_per_hour: int = Field(default=20, ge=1)

    def fee(self, kind: ApplicationKind) -> int:
        return self.fees_cents.get(kind, 0)
