"""Kabul, August 2021: the demo's organisations, programs, employers, staff and the week the country fell.

Figures as reported at the time. In one week (6-13 August) the Taliban took 12 of the 34 provincial
capitals, including Kandahar and Herat.
"""

from datetime import date

from evac.accounts.roles import Role
from evac.situation.models import ProvinceStatus

DEMO_DAY = date(2021, 8, 13)

ORGANISATIONS = (
    ("canada", "Immigration, Refugees and Citizenship Canada"),
    ("uk", "UK Home Office: Afghan resettlement"),
    ("denmark", "Danish Immigration Service"),
)

PROGRAMS = {
    "canada": (
        (
            "canada-special-measures",
            "Special immigration measures for Afghans who assisted the Government of Canada",
            "For Afghan nationals whose work was integral to Canada's military mission or embassy "
            "(interpreters, cooks, drivers, cleaners, construction workers, security guards, embassy "
            "staff), and their families.",
            None,
        ),
    ),
    "uk": (
        (
            "uk-arap",
            "Afghan Relocations and Assistance Policy",
            "Relocation for locally employed staff of the UK government in Afghanistan and their families.",
            None,
        ),
    ),
    "denmark": (
        (
            "denmark-local-staff",
            "Evacuation of former local staff of the Danish government",
            "Two years' residence for the 45 Afghans who worked for the Danish embassy and forces.",
            45,
        ),
    ),
}

# Eligibility rules as the programs set them out in 2021 (simplified): service since the intervention
# began, a year of it, children up to the age the policies named.
PROGRAM_RULES = {
    # Canada's measures covered extended family (parents, siblings) living with the applicant.
    "canada-special-measures": {
        "min_months_service": 12,
        "service_from": date(2001, 10, 7),
        "max_child_age": 22,
        "family_relationships": ["self", "spouse", "child", "parent", "sibling"],
    },
    "uk-arap": {"min_months_service": 12, "service_from": date(2001, 10, 7), "max_child_age": 18},
}

EMPLOYERS = {
    "canada": (
        "Canadian Armed Forces",
        "Embassy of Canada to Afghanistan",
        "Global Affairs Canada",
        "ISAF Regional Command South",
    ),
    "uk": ("British Army", "British Embassy Kabul", "UK Department for International Development"),
    "denmark": ("Danish Defence", "Embassy of Denmark in Kabul"),
}

# Share of the demo's applications each organisation receives; Denmark's program has 45 people in mind.
SHARES = {"canada": 0.7, "uk": 0.3}
DENMARK_APPLICATIONS = 45

DEMO_ROLES = (
    ("clerk", Role.INTAKE_CLERK),
    ("officer", Role.CASE_OFFICER),
    ("verifier", Role.VERIFIER),
    ("planner", Role.FLIGHT_PLANNER),
    ("agent", Role.CHECKIN_AGENT),
    ("auditor", Role.AUDITOR),
    ("admin", Role.ORG_ADMIN),
)
# Exporting is granted person by person: in the demo the officer asks for exports and the verifier approves
# the large ones; the planner takes the flights' manifests.
DEMO_EXPORTERS = ("officer", "verifier", "planner")
# One liaison officer works for two organisations, to show switching between them.
LIAISON = ("liaison", Role.CASE_OFFICER, ("canada", "uk"))

F, C = ProvinceStatus.FALLEN, ProvinceStatus.CONTESTED
# (province code, status, date, source)
SITUATION_EVENTS = (
    ("AF-HEL", C, date(2021, 8, 3), "Press reports: fighting in Lashkar Gah"),
    ("AF-KAN", C, date(2021, 8, 3), "Press reports: fighting on the outskirts of Kandahar"),
    ("AF-HER", C, date(2021, 8, 4), "Press reports: fighting in Herat"),
    ("AF-NIM", F, date(2021, 8, 6), "Press reports: Zaranj taken"),
    ("AF-JOW", F, date(2021, 8, 7), "Press reports: Sheberghan taken"),
    ("AF-SAR", F, date(2021, 8, 8), "Press reports: Sar-e Pol taken"),
    ("AF-KDZ", F, date(2021, 8, 8), "Press reports: Kunduz taken"),
    ("AF-TAK", F, date(2021, 8, 8), "Press reports: Taloqan taken"),
    ("AF-SAM", F, date(2021, 8, 9), "Press reports: Aybak taken"),
    ("AF-FRA", F, date(2021, 8, 10), "Press reports: Farah taken"),
    ("AF-BGL", F, date(2021, 8, 10), "Press reports: Pul-e Khumri taken"),
    ("AF-BDS", F, date(2021, 8, 11), "Press reports: Fayzabad taken"),
    ("AF-GHA", F, date(2021, 8, 12), "Press reports: Ghazni taken"),
    ("AF-HER", F, date(2021, 8, 12), "Press reports: Herat taken"),
    ("AF-KAN", F, date(2021, 8, 13), "Press reports: Kandahar taken"),
    ("AF-BDG", C, date(2021, 8, 11), "Press reports: fighting in Qala-i-Naw"),
    ("AF-URU", C, date(2021, 8, 12), "Press reports: fighting near Tarinkot"),
    ("AF-ZAB", C, date(2021, 8, 12), "Press reports: fighting near Qalat"),
    ("AF-LOG", C, date(2021, 8, 12), "Press reports: fighting near Pul-i-Alam"),
    ("AF-GHO", C, date(2021, 8, 12), "Press reports: fighting near Chaghcharan"),
    ("AF-BAL", C, date(2021, 8, 11), "Press reports: fighting around Mazar-i-Sharif"),
    ("AF-FYB", C, date(2021, 8, 9), "Press reports: fighting around Maymana"),
    ("AF-PIA", C, date(2021, 8, 12), "Press reports: fighting around Gardez"),
)

# Flights out of Kabul over the days after DEMO_DAY, by organisation: (call sign prefix, aircraft, seats,
# medical (stretcher) places, payload kg or None, destination), taken in turn until the flights hold about
# FLIGHT_SHARE of the people waiting, so that some families are left out and the board shows why.
# Seats as configured for evacuees: a C-17 seats about 134 (one once carried 823), an A400M 116, a charter
# Boeing 777 about 400 with no stretcher.
AIRCRAFT = {
    "canada": (
        ("CFC", "CC-177 Globemaster III (C-17)", 134, 6, 45000, "Doha (DOH)"),
        ("ACA", "Boeing 777-300ER (charter)", 396, 0, None, "Toronto (YYZ)"),
        ("CFC", "CC-177 Globemaster III (C-17)", 134, 6, 45000, "Islamabad (ISB)"),
    ),
    "uk": (
        ("RRR", "A400M Atlas", 116, 4, 30000, "Dubai (DWC)"),
        ("RRR", "C-17A Globemaster III", 134, 6, 45000, "Dubai (DWC)"),
        ("BAW", "Boeing 777-200ER (charter)", 330, 0, None, "London Stansted (STN)"),
    ),
    "denmark": (("BAF", "A400M (Belgian Air Component, shared)", 116, 4, 30000, "Islamabad (ISB)"),),
}
FLIGHT_SHARE = 0.6
MAX_FLIGHTS = 40
# Departures at these hours (Kabul time), day after day from the day after DEMO_DAY.
DEPARTURE_HOURS = (6, 11, 16, 22)
EMERGENCY_CONTACTS = {
    "canada": "IRCC Afghanistan operations centre, +1 613 555 0100 (demo number)",
    "uk": "FCDO Afghanistan crisis centre, +44 20 7946 0100 (demo number)",
    "denmark": "Udlændingestyrelsen evacuation desk, +45 70 55 0100 (demo number)",
}
