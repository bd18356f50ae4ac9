"""CSV in and out, shared by the bot and the command line.

- `hours_rows` / `hours_csv`: one row per internship overlapping a period, with its
  client, workplace, caseworker, dates, hours, premium and whether the hours are locked.
- `import_internships`: many internships at once from a CSV file. Every row is checked
  first; one bad row and nothing is imported (`ImportFailed` lists every problem with
  its line number). Each row is then created by the same action as in the bot
  (`bot.actions.internships.create`).

Also the parsing of dates, weekdays and times as Belgian people type them, used by
the caseworker flows too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, time

from bot import workdays
from bot.actions import internships as internship_actions
from bot.actions.internships import MAX_ADDRESS as MAX_ADDRESS
from bot.actions.internships import MAX_FIRST_DAY_TEXT as MAX_FIRST_DAY_TEXT
from bot.actions.internships import MAX_WORKDAYS as MAX_WORKDAYS
from bot.actions.internships import Draft, NewWorkplace
from bot.actions.people import COMMAND_LINE, Actor, Invitation
from bot.actions.refusals import Refusal
from bot.parsing import Yearless, parse_clock, parse_day, parse_weekdays
from bot.phones import NOT_A_NUMBER, parse_phone
from bot.services import Services
from bot.store import caseload, people, workplaces
from bot.store.models import Internship, Person, Role, Schedule, Workplace, WorkplaceKind
from bot.text import check_length, check_name, clean

CSV_DELIMITER = ";"

# Export


@dataclass(frozen=True)
class HoursRow:
    internship_id: int
    client: str
    workplace: str
    caseworker: str
    start_date: date
    last_day: date
    status: str
    outcome: str
    minutes: int | None
    premium_cents: int | None
    locked: bool


EXPORT_COLUMNS = [
    "internship_id",
    "client",
    "workplace",
    "caseworker",
    "start_date",
    "last_day",
    "status",
    "outcome",
    "hours",
    "minutes",
    "premium_eur",
    "premium_cents",
    "hours_locked",
]


def premium_cents(minutes: int, cents_per_hour: int) -> int:
    """The encouragement premium for these minutes, rounded to the nearest cent."""
    return (minutes * cents_per_hour + 30) // 60


async def hours_rows(
    services: Services, first: date, last: date, caseworker_id: int | None = None
) -> list[HoursRow]:
    """Every internship (not cancelled) overlapping the period, of one caseworker or all."""
    db = services.db
    chosen: list[tuple[Internship, date]] = []
    for internship in await caseload.internships_starting_until(db, last):
        if caseworker_id is not None and internship.caseworker_id != caseworker_id:
            continue
        end = workdays.last_day(internship)
        if end >= first:
            chosen.append((internship, end))
    ids = [i.id for i, _ in chosen]
    hours = await caseload.latest_hours(db, ids)
    locks = await caseload.hours_locks(db, ids)
    names = await _names(services, [i for i, _ in chosen])
    rows = []
    for internship, end in chosen:
        submitted = hours.get(internship.id)
        minutes = submitted.total_minutes if submitted else None
        rows.append(
            HoursRow(
                internship_id=internship.id,
                client=names.get(("p", internship.client_id), ""),
                workplace=names.get(("w", internship.workplace_id), ""),
                caseworker=names.get(("p", internship.caseworker_id), ""),
                start_date=internship.start_date,
                last_day=end,
                status=internship.status.value,
                outcome=internship.outcome or "",
                minutes=minutes,
                premium_cents=(
                    premium_cents(minutes, services.settings.premium_per_hour_cents)
                    if minutes is not None
                    else None
                ),
                locked=internship.id in locks,
            )
        )
    return rows


async def _names(services: Services, chosen: list[Internship]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for internship in chosen:
        for person_id in (internship.client_id, internship.caseworker_id):
            if ("p", person_id) not in names:
                person = await people.get(services.db, person_id)
                names["p", person_id] = person.name if person else ""
        if ("w", internship.workplace_id) not in names:
            place = await workplaces.get(services.db, internship.workplace_id)
            names["w", internship.workplace_id] = place.name if place else ""
    return names


def _decimal(cents_or_hundredths: int) -> str:
    """2550 -> "25,50" (a decimal comma, as Belgian spreadsheets expect)."""
    return f"{cents_or_hundredths // 100},{cents_or_hundredths % 100:02d}"


# A spreadsheet runs a cell that starts with one of these as a formula: a client named
# `=HYPERLINK(...)` would become a link, or worse (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str | int) -> str | int:
    """A text cell that a spreadsheet would read as a formula gets a leading `'`, so it
    shows as the text it is; numbers are ours and stay as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def hours_csv(rows: list[HoursRow]) -> str:
    """The export as CSV text: semicolons and decimal commas, for Belgian spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        hundredths = None if row.minutes is None else (row.minutes * 100 + 30) // 60
        cells: list[str | int] = [
            row.internship_id,
            row.client,
            row.workplace,
            row.caseworker,
            row.start_date.isoformat(),
            row.last_day.isoformat(),
            row.status,
            row.outcome,
            "" if hundredths is None else _decimal(hundredths),
            "" if row.minutes is None else row.minutes,
            "" if row.premium_cents is None else _decimal(row.premium_cents),
            "" if row.premium_cents is None else row.premium_cents,
            "yes" if row.locked else "no",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def hours_csv_bytes(rows: list[HoursRow]) -> bytes:
    # With a byte-order mark, spreadsheet programs read the names' accents right.
    return hours_csv(rows).encode("utf-8-sig")


# Import

IMPORT_COLUMNS = [
    "client_name",
    "client_language",
    "workplace",
    "workplace_address",
    "workplace_kind",
    "contact_name",
    "contact_phone",
    "caseworker",
    "start_date",
    "weekdays",
    "day_start",
    "day_end",
    "break_minutes",
    "workdays",
    "meeting_point",
    "first_day_contact",
    "what_to_bring",
    "dutch_lessons",
]
REQUIRED_COLUMNS = ["client_name", "workplace", "caseworker", "start_date"]
# The free texts of a row and their longest length, as in the bot's new-internship flow.
TEXT_LIMITS = {
    "workplace_address": MAX_ADDRESS,
    "meeting_point": MAX_FIRST_DAY_TEXT,
    "first_day_contact": MAX_FIRST_DAY_TEXT,
    "what_to_bring": MAX_FIRST_DAY_TEXT,
    "dutch_lessons": MAX_FIRST_DAY_TEXT,
}


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportFailed(Exception):
    """The file was not imported; `problems` says why, line by line."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class _Row:
    line: int
    client_name: str
    client_language: str
    workplace: Workplace | None
    workplace_name: str
    workplace_address: str
    contact_name: str
    # E.164, or "" for none.
    contact_phone: str
    caseworker: Person
    start: date
    schedule: Schedule
    length: int
    meeting_point: str
    first_day_contact: str
    what_to_bring: str
    dutch_lessons: str


@dataclass
class ImportResult:
    internships: list[Internship] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        if not header:
            header = [clean(v).lower() for v in values]
            continue
        # Cleaned as the bot cleans what people type (`bot.text.clean`).
        cells = [clean(v) for v in values]
        if not any(cells):
            continue
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append((reader.line_num, dict(zip(header, padded, strict=False))))
    return header, rows


async def check_import(services: Services, text: str) -> list[_Row]:
    """Every row of the file checked; raises `ImportFailed` listing all problems."""
    header, raw_rows = _read_csv(text)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    if missing or unknown:
        reasons = []
        if missing:
            reasons.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            reasons.append(f"unknown column(s) {', '.join(unknown)}")
        raise ImportFailed([ImportProblem(1, "; ".join(reasons))])
    if not raw_rows:
        raise ImportFailed([ImportProblem(1, "the file has no internships")])
    context = await _ImportContext.load(services)
    problems: list[ImportProblem] = []
    checked: list[_Row] = []
    seen_clients: dict[str, int] = {}
    for line, values in raw_rows:
        try:
            row = context.check(line, values)
        except ValueError as exc:
            problems.append(ImportProblem(line, str(exc)))
            continue
        key = row.client_name.casefold()
        if key in seen_clients:
            problems.append(
                ImportProblem(
                    line, f"client {row.client_name!r} is also on line {seen_clients[key]}"
                )
            )
            continue
        seen_clients[key] = line
        checked.append(row)
    if problems:
        raise ImportFailed(problems)
    return checked


@dataclass
class _ImportContext:
    today: date
    languages: list[str]
    default_language: str
    workplaces: dict[str, Workplace]
    caseworkers: dict[str, list[Person]]
    caseworkers_by_id: dict[int, Person]
    # The break of a day over six hours when the file gives none (BREAK_MINUTES).
    usual_break: int
    # Workplaces new in this file (the first row naming one gives its address).
    new_workplaces: set[str] = field(default_factory=set)

    @classmethod
    async def load(cls, services: Services) -> _ImportContext:
        staff = [
            *await people.by_role(services.db, Role.CASEWORKER),
            *await people.by_role(services.db, Role.ADMIN),
        ]
        by_name: dict[str, list[Person]] = {}
        for person in staff:
            by_name.setdefault(person.name.casefold(), []).append(person)
        return cls(
            today=services.today(),
            languages=services.i18n.codes,
            default_language=services.i18n.default_language,
            workplaces={w.name.casefold(): w for w in await workplaces.all_workplaces(services.db)},
            caseworkers=by_name,
            caseworkers_by_id={p.id: p for p in staff},
            usual_break=services.settings.break_minutes,
        )

    def check(self, line: int, values: dict[str, str]) -> _Row:
        """One row, or ValueError with the reason."""
        for column in REQUIRED_COLUMNS:
            if not values.get(column):
                raise ValueError(f"{column} is empty")
        self._check_texts(values)
        language = (values.get("client_language") or self.default_language).lower()
        if language not in self.languages:
            raise ValueError(
                f"client_language {language!r} is not one of {', '.join(self.languages)}"
            )
        workplace = self.workplaces.get(values["workplace"].casefold())
        kind_text = (values.get("workplace_kind") or "nonprofit").lower()
        if kind_text not in ("nonprofit", "private"):
            raise ValueError("workplace_kind must be nonprofit or private")
        kind = workplace.kind if workplace else WorkplaceKind(kind_text)
        if kind == WorkplaceKind.PRIVATE:
            raise ValueError("a private workplace has no internship (the contract starts at once)")
        if workplace is None:
            key = values["workplace"].casefold()
            if key not in self.new_workplaces and not values.get("workplace_address"):
                raise ValueError(f"new workplace {values['workplace']!r} needs a workplace_address")
            self.new_workplaces.add(key)
        caseworker = self._caseworker(values["caseworker"])
        contact_phone = ""
        if values.get("contact_phone"):
            if not values.get("contact_name"):
                raise ValueError("contact_phone needs a contact_name")
            contact_phone = parse_phone(values["contact_phone"]) or ""
            if not contact_phone:
                raise ValueError(f"contact_phone {values['contact_phone']!r}: {NOT_A_NUMBER}")
        start = parse_day(values["start_date"], self.today, Yearless.NEXT)
        if start is None:
            raise ValueError(
                f"start_date {values['start_date']!r} is not a date (write it as 30/11/2026)"
            )
        if start < self.today:
            raise ValueError(f"start_date {start.isoformat()} is in the past")
        days = parse_weekdays(values.get("weekdays") or "ma-vr")
        if days is None:
            raise ValueError(f"weekdays {values.get('weekdays')!r} not understood (e.g. ma,di,wo)")
        day_start = parse_clock(values.get("day_start") or "08:30")
        day_end = parse_clock(values.get("day_end") or "16:30")
        if day_start is None or day_end is None or day_end <= day_start:
            raise ValueError("day_start and day_end must be times such as 08:30 and 16:30")
        length_text = values.get("workdays") or "9"
        if not length_text.isdigit() or not 1 <= int(length_text) <= MAX_WORKDAYS:
            raise ValueError(f"workdays must be a number from 1 to {MAX_WORKDAYS}")
        schedule = Schedule(days, day_start, day_end, self._break(values, day_start, day_end))
        return _Row(
            line=line,
            client_name=values["client_name"],
            client_language=language,
            workplace=workplace,
            workplace_name=values["workplace"],
            workplace_address=values.get("workplace_address", ""),
            contact_name=values.get("contact_name", ""),
            contact_phone=contact_phone,
            caseworker=caseworker,
            start=workdays.workdays_from(start, schedule, 1)[0],
            schedule=schedule,
            length=int(length_text),
            meeting_point=values.get("meeting_point", ""),
            first_day_contact=values.get("first_day_contact", ""),
            what_to_bring=values.get("what_to_bring", ""),
            dutch_lessons=values.get("dutch_lessons", ""),
        )

    def _break(self, values: dict[str, str], day_start: time, day_end: time) -> int:
        """The day's unpaid break in minutes; empty: the usual one for the day's length."""
        text = (values.get("break_minutes") or "").strip()
        if not text:
            return workdays.usual_break(day_start, day_end, self.usual_break)
        longest = workdays.longest_break(Schedule(frozenset(), day_start, day_end))
        if not text.isdigit() or int(text) > longest:
            raise ValueError(f"break_minutes must be a number of minutes from 0 to {longest}")
        return int(text)

    def _check_texts(self, values: dict[str, str]) -> None:
        """The names follow the name rule, the free texts keep their limits."""
        names = ["client_name", "contact_name"]
        if values["workplace"].casefold() not in self.workplaces:
            names.append("workplace")
        for column in names:
            refusal = check_name(values[column]) if values.get(column) else None
            if refusal is not None:
                raise ValueError(f"{column}: {refusal}")
        for column, limit in TEXT_LIMITS.items():
            refusal = check_length(values.get(column, ""), limit)
            if refusal is not None:
                raise ValueError(f"{column}: {refusal}")

    def _caseworker(self, text: str) -> Person:
        if text.isdigit() and int(text) in self.caseworkers_by_id:
            return self.caseworkers_by_id[int(text)]
        found = self.caseworkers.get(text.casefold(), [])
        if not found:
            raise ValueError(f"caseworker {text!r} is not known (use their name or id)")
        if len(found) > 1:
            raise ValueError(f"several caseworkers are called {text!r}: use their id")
        return found[0]


async def import_internships(
    services: Services, text: str, actor: Actor = COMMAND_LINE
) -> ImportResult:
    """Check the whole file, then create everything in one transaction (all or nothing)."""
    rows = await check_import(services, text)
    result = ImportResult()
    # Workplaces and contacts new in this file, made by the first row that names them.
    new_workplaces: dict[str, int] = {}
    contacts: dict[tuple[int, str], int] = {}
    async with services.db.transaction():
        for row in rows:
            workplace_id = row.workplace.id if row.workplace else None
            workplace_id = workplace_id or new_workplaces.get(row.workplace_name.casefold())
            contact_id = (
                await _contact_id(services, workplace_id, row.contact_name, contacts)
                if workplace_id is not None
                else None
            )
            draft = Draft(
                start=row.start,
                schedule=row.schedule,
                length=row.length,
                client_name=row.client_name,
                client_language=row.client_language,
                workplace_id=workplace_id,
                new_workplace=(
                    NewWorkplace(row.workplace_name, row.workplace_address)
                    if workplace_id is None
                    else None
                ),
                contact_id=contact_id,
                contact_name="" if contact_id is not None else row.contact_name,
                contact_phone="" if contact_id is not None else row.contact_phone,
                meeting_point=row.meeting_point,
                first_day_contact=row.first_day_contact,
                what_to_bring=row.what_to_bring,
                dutch_lessons=row.dutch_lessons,
                caseworker_id=row.caseworker.id,
                source_line=row.line,
            )
            if contact_id is not None and row.contact_phone:
                # A contact known already: the file brings their (new) number.
                await people.set_phone(services.db, contact_id, row.contact_phone)
            try:
                created = await internship_actions.create(services, actor, draft)
            except Refusal as refusal:
                # Every row was checked before: this is a rule of the bot the check missed.
                reason = f"refused: {type(refusal).__name__} {refusal}".strip()
                raise ImportFailed([ImportProblem(row.line, reason)]) from refusal
            internship = created.internship
            new_workplaces[row.workplace_name.casefold()] = internship.workplace_id
            if row.contact_name and internship.employer_contact_id is not None:
                key = (internship.workplace_id, row.contact_name.casefold())
                contacts[key] = internship.employer_contact_id
            result.invitations.extend(created.invitations)
            result.internships.append(internship)
    return result


async def _contact_id(
    services: Services, workplace_id: int, name: str, known: dict[tuple[int, str], int]
) -> int | None:
    """The workplace's contact of that name, when there is one (new ones are made by the
    row's internship, with an invite)."""
    if not name:
        return None
    key = (workplace_id, name.casefold())
    if key not in known:
        for existing in await people.employer_contacts(services.db, workplace_id):
            if existing.name.casefold() == name.casefold():
                known[key] = existing.id
    return known.get(key)
