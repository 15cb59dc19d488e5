"""Saving and verifying, for the profile screen: the check for changes made elsewhere,
the review, the save, and the codes Cognito sends for a new email or phone number.

A base of `ProfileScreen`, split off it along that seam; the hooks below are the profile
screen's (its draft, its busy line, its loading), which it defines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from cogtui.display import shown
from cogtui.errors import CogtuiError
from cogtui.profile import VERIFIED_BY, Conflict, Draft, Row, review_notes
from cogtui.screens.background import run_blocking
from cogtui.screens.confirm import changes
from cogtui.screens.review import ReviewModal
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.session import Saved, Session
from cogtui.widgets.value_editor import ValueEditor

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery, User
    from cogtui.widgets.attribute_table import AttributeTable


class SaveAndVerify(Screen[None]):
    """Review, save and verification codes on a draft; the hooks are the profile's."""

    session: Session
    draft: Draft
    editing: str | None
    busy: bool
    codes_to_enter: list[CodeDelivery]

    # -- hooks (ProfileScreen) -------------------------------------------------------------
    @property
    def table(self) -> AttributeTable:
        raise NotImplementedError

    def set_busy(self, doing: str | None) -> None:
        raise NotImplementedError

    def show_draft(self) -> None:
        raise NotImplementedError

    def load(self) -> None:
        raise NotImplementedError

    def loaded(self, user: User) -> None:
        raise NotImplementedError

    def failed(self, error: CogtuiError, what: str) -> None:
        raise NotImplementedError

    def keep_edit(self, value: str) -> None:
        raise NotImplementedError

    def sign_in_again(self) -> None:
        raise NotImplementedError

    # -- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.editing is not None:  # ctrl+s in the editor: the edit is kept, then saved
            self.keep_edit(self.query_one(ValueEditor).value)
        if self.busy:
            self.notify("Wait for the request in flight to finish.")
            return
        problems = self.draft.problems()
        if problems:
            name, reason = next(iter(problems.items()))
            self.notify(f"{name}: {reason}.", title="Fix the marked rows first", severity="error")
            return
        if not self.draft.dirty:
            self.notify("Nothing to save: no attribute has changed.")
            return
        self.set_busy("Checking for changes made elsewhere…")
        run_blocking(
            self,
            "Checking for changes made elsewhere",
            self.session.get_user,
            self.review,
            lambda error: self.failed(error, "Not saved; your edits are kept"),
        )

    def review(self, user: User) -> None:
        """The server's attributes now: the review shows what changed elsewhere too."""
        self.set_busy(None)
        conflicts = self.draft.rebase(user.attributes)
        self.show_draft()
        if not self.draft.dirty:
            self.notify("Nothing to save: Cognito already holds these values.")
            return
        self.app.clear_notifications()  # what they said ("fix the marked rows") is past
        notes = review_notes(self.draft.changes(), self.session.login_name)
        review = ReviewModal(self.draft.changes(), conflicts, notes)
        self.app.push_screen(review, lambda answer: self.review_answered(answer, conflicts))

    def review_answered(self, answer: str | None, conflicts: list[Conflict]) -> None:
        if answer == "theirs":
            names = [conflict.name for conflict in conflicts]
            for name in names:
                self.draft.revert(name)
            self.show_draft()
            self.notify(shown(f"Kept the values saved elsewhere for {', '.join(names)}."))
            return
        if answer != "save":
            return
        payload = self.draft.payload()
        self.set_busy(f"Saving {changes(len(payload))}…")
        run_blocking(
            self,
            "Saving your changes",
            lambda: self.session.save(payload),
            self.saved,
            self.save_failed,
        )

    def saved(self, result: Saved) -> None:
        count = len(self.draft.payload())
        self.draft.saved(delivery.attribute for delivery in result.deliveries)
        self.codes_to_enter = list(result.deliveries)
        if result.reply_lost:
            self.notify(
                f"Cognito's answer was lost, but it holds your {changes(count)}: saved.",
                severity="information",
            )
        else:
            self.notify(f"Saved {changes(count)}.", severity="information")
        if result.user is None:
            self.set_busy(None)
            self.show_draft()
            self.notify(f"Reloading failed: {result.reload_problem}", severity="warning")
        else:
            self.loaded(result.user)
        self.next_code()

    def save_failed(self, error: CogtuiError) -> None:
        attribute = getattr(error, "attribute", None)
        if attribute and attribute in self.draft.edits:
            self.draft.rejected[attribute] = str(error)
        self.failed(error, "Not saved; your edits are kept")

    # -- verification codes -------------------------------------------------------------
    def next_code(self) -> None:
        """Open the code modal for the next attribute Cognito sent a code for."""
        if not self.codes_to_enter:
            return
        delivery = self.codes_to_enter.pop(0)
        self.app.push_screen(
            VerifyCodeModal(self.session, delivery),
            lambda outcome: self.code_answered(outcome, delivery.attribute),
        )

    def code_answered(self, outcome: str | None, attribute: str) -> None:
        if outcome == "expired":
            self.codes_to_enter.clear()
            self.sign_in_again()
            return
        if outcome == "verified":
            self.load()
        else:
            self.notify(f"{attribute} is not verified yet: v on its row sends a new code.")
        self.next_code()

    def why_not_verify(self, row: Row) -> str | None:
        """Why `v` sends no code for this row, as a sentence; None when it does."""
        name = row.name
        if name not in VERIFIED_BY:
            return f"{name} needs no verification: only email and phone_number are verified."
        if name in self.draft.edits:
            return f"Save the new {name} first: Cognito sends its code then."
        if row.status == "verified":
            return f"{name} is already verified."
        if not self.draft.value(name):
            return f"There is no {name} to verify."
        return None

    def action_why_not_verify(self) -> None:
        row = self.table.current_row
        reason = self.why_not_verify(row) if row else None
        if reason:
            self.notify(shown(reason))

    def action_verify(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        name = row.name
        self.set_busy(shown(f"Sending a verification code for {name}…"))
        run_blocking(
            self,
            "Sending a verification code",
            lambda: self.session.send_code(name),
            self.open_code_modal,
            lambda error: self.failed(error, "No code was sent"),
        )

    def open_code_modal(self, delivery: CodeDelivery) -> None:
        self.set_busy(None)
        self.codes_to_enter.insert(0, delivery)
        self.next_code()

    async def action_quit(self) -> None:
        await self.app.run_action("quit")
