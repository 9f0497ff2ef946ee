"""The births data contract: one row per delivery, shared by register extracts and the synthetic cohort.

The contract is data (a tuple of :class:`Column`), not prose, so the validator, the loader,
the synthetic generator and the book's Swedish appendix all read the same definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from analysis.common.regions import HOME_REGION, region_codes

Kind = Literal["int", "float", "bool", "category", "code", "text"]

#: Text values accepted for a boolean (case-insensitive); Swedish exports use ja/nej.
TRUE_VALUES: frozenset[str] = frozenset({"1", "true", "ja", "j", "yes", "y", "sant", "1.0"})
FALSE_VALUES: frozenset[str] = frozenset({"0", "false", "nej", "n", "no", "falskt", "0.0"})

VAGINAL_MODES: tuple[str, ...] = ("spontaneous_vaginal", "vacuum", "forceps")
CAESAREAN_MODES: tuple[str, ...] = ("planned_cs", "emergency_cs")
INSTRUMENTAL_MODES: tuple[str, ...] = ("vacuum", "forceps")


@dataclass(frozen=True)
class Column:
    """One contract column: what it holds, whether it must be present, and what values are allowed."""

    name: str
    kind: Kind
    required: bool
    description_sv: str
    description_en: str
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    digits: int | None = None  # fixed width of a numeric code ("19", "1980")
    values_required: bool = True  # False: column required but values may be empty (municipality outside home region)

    def allowed_text(self) -> str:
        """What is allowed, in words, for error messages and the appendix."""
        if self.allowed is not None:
            return ", ".join(self.allowed)
        if self.kind == "bool":
            return "0/1, true/false, ja/nej"
        if self.kind == "code":
            return f"{self.digits}-digit code as text"
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else f"{self.minimum:g}"
            hi = "" if self.maximum is None else f"{self.maximum:g}"
            unit = "integer" if self.kind == "int" else "number"
            return f"{unit} {lo}–{hi}".rstrip("–")
        return "free text"


def _region_codes() -> tuple[str, ...]:
    return tuple(region_codes())


def _columns() -> tuple[Column, ...]:
    return (
        Column("year", "int", True, "Förlossningsår", "Year of delivery", minimum=1973, maximum=2100),
        Column(
            "region",
            "code",
            True,
            "Länskod (2 siffror, som text) för förlossningsregionen",
            "County (region) code, 2 digits as text",
            allowed=_region_codes(),
            digits=2,
        ),
        Column(
            "municipality",
            "code",
            True,
            f"Kommunkod (4 siffror) för moderns bostadskommun; krävs för region {HOME_REGION}, får vara tom annars",
            f"Municipality of residence, 4-digit code; required for region {HOME_REGION}, may be empty elsewhere",
            digits=4,
            values_required=False,
        ),
        Column(
            "parity",
            "int",
            True,
            "Paritet: antal tidigare förlossningar (0 = förstföderska)",
            "Parity: number of previous births (0 = first-time mother)",
            minimum=0,
            maximum=20,
        ),
        Column(
            "maternal_age",
            "int",
            True,
            "Moderns ålder vid förlossningen (år)",
            "Maternal age at delivery (years)",
            minimum=12,
            maximum=60,
        ),
        Column(
            "plurality", "int", True, "Antal foster (1 = enkelbörd)", "Number of fetuses (1 = singleton)", minimum=1, maximum=6
        ),
        Column(
            "presentation",
            "category",
            True,
            "Fosterläge: huvudbjudning, sätesbjudning eller annat (tvär/sned)",
            "Fetal presentation: cephalic, breech or other (transverse/oblique)",
            allowed=("cephalic", "breech", "other"),
        ),
        Column(
            "gestational_weeks",
            "int",
            True,
            "Graviditetslängd i fullgångna veckor",
            "Gestational age in completed weeks",
            minimum=22,
            maximum=45,
        ),
        Column("previous_cs", "bool", True, "Tidigare kejsarsnitt", "Previous caesarean section"),
        Column(
            "onset",
            "category",
            True,
            "Förlossningsstart: spontan, igångsatt eller kejsarsnitt före värkar",
            "Onset of labour: spontaneous, induced or caesarean before labour",
            allowed=("spontaneous", "induced", "prelabour_cs"),
        ),
        Column(
            "mode",
            "category",
            True,
            "Förlossningssätt: spontan vaginal, sugklocka, tång, planerat eller akut kejsarsnitt",
            "Mode of delivery: spontaneous vaginal, vacuum, forceps, planned or emergency caesarean",
            allowed=("spontaneous_vaginal", "vacuum", "forceps", "planned_cs", "emergency_cs"),
        ),
        Column("delivery_id", "text", False, "Unikt förlossnings-id (pseudonym)", "Unique delivery identifier (pseudonym)"),
        Column(
            "bmi",
            "float",
            False,
            "BMI vid inskrivning i mödrahälsovården (kg/m²)",
            "BMI at booking (kg/m²)",
            minimum=12,
            maximum=80,
        ),
        Column("smoking", "bool", False, "Rökning vid inskrivning", "Smoking at booking"),
        Column(
            "country_of_birth",
            "category",
            False,
            "Moderns födelseland: Sverige, övriga Norden, övriga Europa, utanför Europa",
            "Mother's country of birth: Sweden, other Nordic, rest of Europe, outside Europe",
            allowed=("sweden", "nordic", "europe", "outside_europe"),
        ),
        Column(
            "education",
            "category",
            False,
            "Moderns högsta utbildning: förgymnasial, gymnasial, eftergymnasial",
            "Mother's highest education: compulsory, upper secondary, tertiary",
            allowed=("compulsory", "upper_secondary", "tertiary"),
        ),
        Column("diabetes", "bool", False, "Diabetes före graviditeten (pregestationell)", "Pre-existing diabetes"),
        Column("hypertension", "bool", False, "Kronisk hypertoni (före graviditeten)", "Chronic hypertension"),
        Column("height_cm", "int", False, "Moderns längd (cm)", "Maternal height (cm)", minimum=120, maximum=220),
        Column(
            "birthweight_g",
            "int",
            False,
            "Födelsevikt (gram; första barnet vid flerbörd)",
            "Birthweight (grams; first-born at multiple birth)",
            minimum=300,
            maximum=7000,
        ),
        Column("oasis", "bool", False, "Sfinkterskada (bristning grad 3–4)", "Obstetric anal sphincter injury (grade 3–4 tear)"),
        Column(
            "pph_ml", "int", False, "Blödning efter förlossningen (ml)", "Postpartum blood loss (ml)", minimum=0, maximum=20000
        ),
        Column(
            "los_hours",
            "float",
            False,
            "Vårdtid på BB efter förlossningen (timmar)",
            "Postnatal length of stay (hours)",
            minimum=0,
            maximum=2000,
        ),
        Column("delivery_unit", "text", False, "Förlossningsenhet (sjukhus)", "Delivery unit (hospital)"),
    )


CONTRACT: tuple[Column, ...] = _columns()
COLUMNS: dict[str, Column] = {c.name: c for c in CONTRACT}
REQUIRED: tuple[str, ...] = tuple(c.name for c in CONTRACT if c.required)
OPTIONAL: tuple[str, ...] = tuple(c.name for c in CONTRACT if not c.required)

#: Rules a row must satisfy across columns; the appendix lists them (id, Swedish, English).
CONSISTENCY_RULES: tuple[tuple[str, str, str], ...] = (
    ("oasis_on_caesarean", "Sfinkterskada angiven vid kejsarsnitt", "OASIS recorded on a caesarean delivery"),
    ("planned_cs_not_prelabour", "Planerat kejsarsnitt utan start 'prelabour_cs'", "planned_cs mode without prelabour_cs onset"),
    (
        "vaginal_after_prelabour_cs",
        "Vaginal förlossning (inkl. sugklocka/tång) på rad med kejsarsnitt före värkar",
        "vaginal, vacuum or forceps mode on a row whose onset is a pre-labour caesarean",
    ),
    ("previous_cs_parity0", "Tidigare kejsarsnitt hos förstföderska (paritet 0)", "previous_cs with parity 0"),
    ("municipality_region_mismatch", "Kommunkoden hör inte till regionen", "municipality code not within the region"),
    ("duplicate_delivery_id", "Samma förlossnings-id förekommer flera gånger", "duplicated delivery_id"),
)


def contract_table() -> pd.DataFrame:
    """The contract as a tidy table (one row per column) for the book appendix."""
    rows = [
        {
            "column": c.name,
            "type": c.kind,
            "required": c.required,
            "values_required": c.required and c.values_required,
            "allowed": c.allowed_text(),
            "minimum": c.minimum,
            "maximum": c.maximum,
            "description_sv": c.description_sv,
            "description_en": c.description_en,
        }
        for c in CONTRACT
    ]
    return pd.DataFrame(rows)
