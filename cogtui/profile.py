"""The user's attributes: what may be written, what a valid value is, and the draft of edits.

Pure and synchronous: the TUI and the `get`/`set` commands share it, and neither computes a
diff of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlparse

from cogtui.errors import UsageError

# The OpenID Connect standard attributes a Cognito user pool knows, in display order.
STANDARD_ATTRIBUTES = (
    "name",
    "given_name",
    "middle_name",
    "family_name",
    "nickname",
    "preferred_username",
    "email",
    "phone_number",
    "birthdate",
    "gender",
    "address",
    "locale",
    "zoneinfo",
    "website",
    "profile",
    "picture",
    "updated_at",
)
READ_ONLY = {"sub", "email_verified", "phone_number_verified", "identities"}
VERIFIED_BY = {"email": "email_verified", "phone_number": "phone_number_verified"}
MAX_LENGTH = 2048
CUSTOM_NAME = re.compile(r"^custom:[^\s:]{1,20}$")


class ReadOnlyAttribute(UsageError):
    """The user tried to change an attribute only Cognito or an administrator may write."""


def is_read_only(name: str) -> bool:
    return name in READ_ONLY or name.startswith(("cognito:", "dev:"))


def attribute_name(typed: str) -> str:
    """What the user typed -> the attribute's name: standard names as they are, else `custom:`."""
    name = typed.strip()
    if name in STANDARD_ATTRIBUTES or name in READ_ONLY or name.startswith(("custom:", "dev:")):
        candidate = name
    else:
        candidate = "custom:" + name
    if candidate.startswith("custom:") and not CUSTOM_NAME.match(candidate):
        raise UsageError(
            f"{typed.strip()!r} is not a valid attribute name: custom names have 1 to 20 "
            "characters and no spaces or colons."
        )
    return candidate


@cache
def _time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _is_url(value: str) -> bool:
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "email": (
        lambda v: re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) is not None,
        "an email address looks like name@example.com",
    ),
    "phone_number": (
        lambda v: re.fullmatch(r"\+[1-9]\d{6,14}", v) is not None,
        "a phone number is in E.164 form, such as +15555550123",
    ),
    "birthdate": (_is_date, "a birthdate is a real date written YYYY-MM-DD"),
    "updated_at": (lambda v: v.isdigit(), "updated_at is a whole number of seconds"),
    "website": (_is_url, "a website is an http:// or https:// URL"),
    "profile": (_is_url, "a profile is an http:// or https:// URL"),
    "picture": (_is_url, "a picture is an http:// or https:// URL"),
    "locale": (
        lambda v: re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", v) is not None,
        "a locale is a language tag such as en-US",
    ),
    "zoneinfo": (
        lambda v: v in _time_zones() or not _time_zones(),
        "a time zone is a name such as Europe/Paris",
    ),
}


def problem_with(name: str, value: str) -> str | None:
    """Why `value` cannot be saved in `name`, or None. A blank value (a clear) is always fine."""
    if not value:
        return None
    if len(value) > MAX_LENGTH:
        return f"a value has at most {MAX_LENGTH} characters"
    check = CHECKS.get(name)
    if check and not check[0](value):
        return check[1]
    return None


@dataclass(frozen=True)
class Change:
    """One attribute as it will be sent: a new value, or a clear (blank)."""

    name: str
    old: str | None
    new: str

    def describe(self) -> str:
        if not self.new:
            return f"{self.name}: clear (was {self.old!r})"
        if self.old is None:
            return f"{self.name}: add {self.new!r}"
        return f"{self.name}: {self.old!r} -> {self.new!r}"


@dataclass(frozen=True)
class Conflict:
    """An attribute the draft changes that was also changed elsewhere since it was loaded."""

    name: str
    loaded: str | None  # what the draft was loaded with (None: there was none)
    theirs: str | None  # what Cognito holds now (None: there is none)
    mine: str  # the draft's value ("" clears)


def review_notes(changes: Iterable[Change], login_name: str | None) -> list[str]:
    """What a save of `changes` will bring about beyond the values: a code to enter for a
    new email or phone number, and a sign-in lost when the attribute signed in with goes."""
    notes = []
    for change in changes:
        if change.name not in VERIFIED_BY:
            continue
        if change.new:
            notes.append(f"Cognito will send a code to verify the new {change.name}.")
        elif login_name and change.old and change.old.casefold() == login_name.casefold():
            notes.append(
                f"You sign in with this {change.name} ({change.old}): once it is cleared, "
                "it no longer signs you in."
            )
    return notes


def applied(changes: Mapping[str, str], attributes: Mapping[str, str]) -> bool:
    """Whether Cognito's attributes hold every one of these changes (a clear: no value)."""
    return all(attributes.get(name, "") == value for name, value in changes.items())


@dataclass(frozen=True)
class Row:
    """One line of the attribute table."""

    name: str
    value: str  # what the draft holds (the old value for a clear)
    status: str  # verified, unverified, pending, changed, cleared, new, read-only, or ""
    read_only: bool = False
    problem: str | None = None  # invalid value, or the server's rejection
    pending_value: str | None = None  # waiting for a verification code


def _order(name: str) -> tuple[int, int, str]:
    if name == "sub":
        return (0, 0, name)
    if name in STANDARD_ATTRIBUTES:
        return (1, STANDARD_ATTRIBUTES.index(name), name)
    if name.startswith("custom:"):
        return (2, 0, name)
    return (3, 0, name)


@dataclass
class Draft:
    """The attributes as Cognito holds them, and the user's unsaved edits on top."""

    original: dict[str, str] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)  # name -> new value; "" clears
    pending: dict[str, str] = field(default_factory=dict)  # name -> value awaiting a code
    rejected: dict[str, str] = field(default_factory=dict)  # name -> why the server refused

    def load(self, attributes: Mapping[str, str]) -> None:
        """New values from the server; edits that still differ from them are kept."""
        self.original = dict(attributes)
        self.edits = {n: v for n, v in self.edits.items() if self.original.get(n, "") != v}
        for name, value in list(self.pending.items()):
            verified = self.original.get(VERIFIED_BY.get(name, ""), "") == "true"
            if self.original.get(name) == value and verified:
                del self.pending[name]

    def rebase(self, current: Mapping[str, str]) -> list[Conflict]:
        """Take Cognito's attributes as they are now, keeping the edits; returns the edited
        attributes that were changed elsewhere since the draft was loaded. (Attributes the
        draft does not touch need nothing: a save sends only the draft's changes.)"""
        loaded = self.original
        self.load(current)
        return [
            Conflict(name, loaded.get(name), current.get(name), mine)
            for name, mine in self.edits.items()
            if current.get(name) != loaded.get(name)
        ]

    # -- editing ------------------------------------------------------------------------
    def value(self, name: str) -> str:
        return self.edits.get(name, self.original.get(name, ""))

    def set(self, name: str, value: str) -> None:
        if is_read_only(name):
            raise ReadOnlyAttribute(
                f"{name} is read-only: only Cognito or an administrator sets it."
            )
        self.rejected.pop(name, None)
        unchanged = self.original[name] == value if name in self.original else value == ""
        if unchanged:
            self.edits.pop(name, None)
        else:
            self.edits[name] = value

    def clear(self, name: str) -> None:
        if name in self.original:
            self.set(name, "")
        else:
            self.revert(name)  # clearing a new attribute is taking it back

    def add(self, typed_name: str, value: str) -> str:
        name = attribute_name(typed_name)
        self.set(name, value)
        return name

    def revert(self, name: str) -> None:
        self.edits.pop(name, None)
        self.rejected.pop(name, None)

    def revert_all(self) -> None:
        self.edits.clear()
        self.rejected.clear()

    # -- what will be sent ----------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return bool(self.edits)

    def changes(self) -> list[Change]:
        names = sorted(self.edits, key=_order)
        return [Change(n, self.original.get(n), self.edits[n]) for n in names]

    def payload(self) -> dict[str, str]:
        """The UpdateUserAttributes payload: changed and cleared attributes only."""
        return {change.name: change.new for change in self.changes()}

    def problems(self) -> dict[str, str]:
        """Edited attributes whose value cannot be saved, with the reason."""
        found = {n: problem_with(n, v) for n, v in self.edits.items()}
        return {n: reason for n, reason in found.items() if reason}

    def mark_sent(self, deliveries: Iterable[str]) -> None:
        """After a save: attributes Cognito sent codes for wait for verification."""
        for name in deliveries:
            if name in self.edits:
                self.pending[name] = self.edits[name]

    def saved(self, deliveries: Iterable[str]) -> None:
        """After Cognito accepted the whole payload: the edits become the values, except
        those it sent a code for, which wait for verification (shown as pending)."""
        self.mark_sent(deliveries)
        for name, value in self.edits.items():
            if name in self.pending:
                continue
            if value:
                self.original[name] = value
            else:
                self.original.pop(name, None)
        self.edits.clear()
        self.rejected.clear()

    # -- the table ------------------------------------------------------------------------
    def rows(self) -> list[Row]:
        names = sorted({*self.original, *self.edits}, key=_order)
        return [self.row(name) for name in names]

    def row(self, name: str) -> Row:
        problem = self.rejected.get(name) or problem_with(name, self.edits.get(name, ""))
        pending = self.pending.get(name)
        if is_read_only(name):
            return Row(name, self.original.get(name, ""), "read-only", read_only=True)
        if name in self.edits:
            if name not in self.original:
                status = "new"
            elif self.edits[name] == "":
                return Row(name, self.original[name], "cleared", problem=problem)
            else:
                status = "changed"
            return Row(name, self.edits[name], status, problem=problem)
        value = self.original.get(name, "")
        if pending is not None and pending != value:
            return Row(name, value, "pending", problem=problem, pending_value=pending)
        if name in VERIFIED_BY:
            verified = self.original.get(VERIFIED_BY[name]) == "true"
            status = "verified" if verified else "unverified"
            return Row(name, value, status, problem=problem, pending_value=pending)
        return Row(name, value, "", problem=problem)


def parse_assignments(arguments: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` ... (`NAME=` clears) -> {attribute name: value}."""
    found: dict[str, str] = {}
    for argument in arguments:
        typed, equals, value = argument.partition("=")
        if not equals or not typed.strip():
            raise UsageError(f"{argument!r} is not NAME=VALUE (write NAME= to clear an attribute).")
        name = attribute_name(typed)
        if name in found:
            raise UsageError(f"{name} is given twice; give each attribute once.")
        found[name] = value
    return found
