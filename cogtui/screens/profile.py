"""The profile screen: the attribute table, editing in place, review and save, codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from cogtui.display import shown
from cogtui.errors import CogtuiError, NotSignedIn, SessionExpired, UsageError
from cogtui.profile import Draft, Row
from cogtui.screens.add_attribute import AddAttributeModal
from cogtui.screens.background import run_blocking
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.profile_saving import SaveAndVerify
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.sign_out import SignOutModal
from cogtui.session import Session
from cogtui.widgets.attribute_table import AttributeTable
from cogtui.widgets.value_editor import ValueEditor

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery, User

EDITING_ACTIONS = {
    "edit",
    "clear",
    "revert",
    "revert_all",
    "add",
    "verify",
    "why_not_verify",
    "save",
    "reload",
}
TYPING_KEYS_ACTIONS = {"sign_out", "quit", "move", "security"}  # off while the editor is open


def quoted(value: str | None) -> str:
    return f"'{shown(value)}'" if value is not None else "nothing"


def describe(row: Row, draft: Draft) -> str:
    """One line under the table about the row under the cursor, safe to show as text."""
    name, old = shown(row.name), quoted(draft.original.get(row.name))
    if row.read_only:
        return f"{name} is read-only: only Cognito or an administrator sets it."
    lines = {
        "cleared": f"{name} will be cleared when you save (was {old}) · u reverts",
        "changed": f"{name} was {old} · u reverts",
        "new": f"{name} is new · u takes it back",
        "pending": f"{quoted(row.pending_value)} waits for its verification code "
        "· v sends a new one",
        "unverified": f"{name} is not verified · v sends a code",
        "verified": f"{name} is verified",
    }
    text = lines.get(row.status, f"{name} · enter edits, x clears")
    if row.problem:
        text = f"⚠ {shown(row.problem)} · {text}"
    return text


class ProfileScreen(SaveAndVerify):
    """Every attribute of the signed-in user, edited as a draft and saved in one request."""

    class SignedOut(Message):
        """The tokens are gone: the app shows the sign-in screen."""

    # Priority bindings act when the key is read, in order with the keys around it, so a
    # burst such as "e", a value, Enter, "x" does what it says. check_action turns the
    # letter keys off while the editor is open, so they type into it instead.
    BINDINGS = [
        Binding("up,k", "move('up')", "Up", show=False, priority=True),
        Binding("down,j", "move('down')", "Down", show=False, priority=True),
        Binding("home", "move('top')", "First", show=False, priority=True),
        Binding("end", "move('bottom')", "Last", show=False, priority=True),
        Binding("pageup", "move('page_up')", "Page up", show=False, priority=True),
        Binding("pagedown", "move('page_down')", "Page down", show=False, priority=True),
        Binding("e", "edit", "Edit", key_display="e/⏎", priority=True),
        Binding("enter", "edit", "Edit", show=False, priority=True),
        Binding("escape", "cancel_edit", "Cancel edit", priority=True),
        Binding("x", "clear", "Clear", priority=True),
        Binding("delete,backspace", "clear", "Clear", show=False, priority=True),
        Binding("u", "revert", "Revert", priority=True),
        Binding("U", "revert_all", "Revert all", show=False, priority=True),
        Binding("a", "add", "Add", priority=True),
        Binding("v", "verify", "Verify", priority=True),
        Binding("v", "why_not_verify", show=False, priority=True),  # says why v does nothing
        Binding("ctrl+s", "save", "Save", key_display="^s", priority=True),
        # Shown in help and the palette, not the footer: 80 columns hold the keys above.
        Binding("r", "reload", "Reload", show=False, priority=True),
        Binding("s", "security", "Security", priority=True),
        Binding("ctrl+l", "sign_out", "Sign out", key_display="^l", show=False, priority=True),
        Binding("q", "quit", "Quit", priority=True),
    ]

    def __init__(self, session: Session, first: User | CogtuiError | None = None) -> None:
        """`first`: the attributes (or why they could not be read) when the caller has
        already asked, as the app does while it opens the session; else the screen asks."""
        super().__init__()
        self.session = session
        self.first = first
        self.draft = Draft()
        self.username = session.username or ""
        self.editing: str | None = None
        self.busy = False
        self.codes_to_enter: list[CodeDelivery] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield AttributeTable(id="attributes")
        yield Static("", id="row-detail", markup=False)
        yield ValueEditor(on_enter=self.keep_edit, id="editor")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_who()
        first, self.first = self.first, None
        if first is None:
            self.load()
        elif isinstance(first, CogtuiError):
            self.failed(first, "Loading your attributes failed")
        else:
            self.loaded(first)

    def show_who(self) -> None:
        who = self.session.display_name or self.username
        self.sub_title = shown(f"{who} · {self.session.settings.user_pool_id}")

    # -- showing the draft -------------------------------------------------------------
    @property
    def table(self) -> AttributeTable:
        return self.query_one(AttributeTable)

    def show_draft(self) -> None:
        self.table.show(self.draft.rows())
        self.show_detail()
        self.refresh_bindings()

    def show_detail(self) -> None:
        if self.busy:
            return  # the line says what is in flight until it lands
        row = self.table.current_row
        self.query_one("#row-detail", Static).update(describe(row, self.draft) if row else "")

    @on(DataTable.RowHighlighted)
    def row_moved(self) -> None:
        self.show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("edit", ()):
            self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_edit":
            return self.editing is not None
        if action in TYPING_KEYS_ACTIONS:
            return self.editing is None
        if action not in EDITING_ACTIONS:
            return True
        if action == "save" and self.editing is not None and not self.busy:
            return True  # keeps the edit, then opens the review
        if self.busy or self.editing is not None:
            return None if action in ("save", "reload") else False
        row = self.table.current_row if self.is_mounted else None
        if action == "clear":
            return bool(row and not row.read_only and row.status != "cleared")
        if action == "revert":
            return bool(row and (row.name in self.draft.edits or row.name in self.draft.rejected))
        if action == "revert_all":
            return self.draft.dirty
        if action == "verify":
            return row is not None and self.why_not_verify(row) is None
        if action == "why_not_verify":
            return row is not None and self.why_not_verify(row) is not None
        if action == "edit":
            return row is not None
        return True

    def action_move(self, where: str) -> None:
        table = self.table
        {
            "up": table.action_cursor_up,
            "down": table.action_cursor_down,
            "top": table.action_scroll_top,
            "bottom": table.action_scroll_bottom,
            "page_up": table.action_page_up,
            "page_down": table.action_page_down,
        }[where]()

    # -- editing in place --------------------------------------------------------------
    def action_edit(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        if row.read_only:
            self.notify(describe(row, self.draft), title="Read-only", severity="warning")
            return
        self.editing = row.name
        field = self.query_one(ValueEditor).open(row.name, self.draft.value(row.name))
        self.set_focus(field)  # now, so the keys already read go into the editor
        self.refresh_bindings()

    def keep_edit(self, value: str) -> None:
        """Enter in the editor: the value goes into the draft (checked, not yet sent)."""
        name = self.editing
        self.close_editor()
        if name is None:
            return
        if value == shown(self.draft.value(name)):
            value = self.draft.value(name)  # untouched: the field showed its escapes
        try:
            self.draft.set(name, value)
        except UsageError as error:
            self.notify(str(error), severity="warning")
        self.show_draft()

    def action_cancel_edit(self) -> None:
        self.close_editor()
        self.show_draft()

    def close_editor(self) -> None:
        self.editing = None
        self.query_one(ValueEditor).close()
        self.set_focus(self.table)  # now, so the next key already read goes to the table
        self.refresh_bindings()

    def action_clear(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        try:
            self.draft.clear(row.name)
        except UsageError as error:
            self.notify(str(error), severity="warning")
        self.show_draft()

    def action_revert(self) -> None:
        row = self.table.current_row
        if row is not None:
            self.draft.revert(row.name)
            self.show_draft()

    def action_revert_all(self) -> None:
        count = len(self.draft.changes())
        question = ConfirmModal.losing_edits("Revert every edit?", count, "Revert all")
        self.app.push_screen(question, self.revert_all_confirmed)

    def revert_all_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.draft.revert_all()
            self.show_draft()
            self.notify("Every edit is reverted.")

    def action_add(self) -> None:
        present = {row.name for row in self.draft.rows()}
        self.app.push_screen(AddAttributeModal(present), self.added)

    def added(self, result: tuple[str, str] | str | None) -> None:
        if result is None:
            return
        if isinstance(result, str):  # an attribute the user has: edit its row
            names = [row.name for row in self.table.rows_shown]
            if result in names:
                self.table.move_cursor(row=names.index(result), animate=False)
                self.action_edit()
            return
        typed, value = result
        try:
            name = self.draft.add(typed, value)
        except UsageError as error:
            self.notify(str(error), severity="warning")
            return
        self.show_draft()
        names = [row.name for row in self.table.rows_shown]
        if name in names:
            self.table.move_cursor(row=names.index(name))

    # -- loading ------------------------------------------------------------------------
    def set_busy(self, doing: str | None) -> None:
        """Say what is in flight under the table (and lock it), or unlock it."""
        self.busy = doing is not None
        self.table.loading = self.busy
        if doing:
            self.query_one("#row-detail", Static).update(doing)
        else:
            self.show_detail()
        self.refresh_bindings()

    def load(self) -> None:
        self.set_busy("Loading your attributes…")
        run_blocking(
            self,
            "Loading your attributes",
            self.session.get_user,
            self.loaded,
            lambda error: self.failed(error, "Loading your attributes failed"),
        )

    def loaded(self, user: User) -> None:
        self.draft.load(user.attributes)
        self.username = user.username
        self.show_who()
        self.set_busy(None)
        self.show_draft()
        self.table.focus()

    def failed(self, error: CogtuiError, what: str) -> None:
        self.set_busy(None)
        if isinstance(error, SessionExpired | NotSignedIn):
            self.sign_in_again()
            return
        self.notify(str(error), title=what, severity="error", timeout=8)
        self.show_draft()

    def action_reload(self) -> None:
        if not self.draft.dirty:
            self.load()
            return
        count = len(self.draft.changes())
        question = ConfirmModal.losing_edits("Reload and discard your edits?", count, "Reload")
        self.app.push_screen(question, self.reload_confirmed)

    def reload_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.draft.revert_all()
            self.load()

    # -- the session ----------------------------------------------------------------------
    def sign_in_again(self) -> None:
        """The session has ended: sign in again on top of this screen; the draft stays."""
        app = self.app
        screen = SignInScreen(
            self.session,
            demo_credentials=getattr(app, "demo_credentials", None),
            notice=getattr(app, "notice", None),
            reauth_user=self.session.display_name or self.username,
            keeps_edits=self.draft.dirty,
        )
        app.push_screen(screen, self.signed_in_again)

    def signed_in_again(self, username: str | None) -> None:
        if not username:
            return
        if username != self.username:
            self.draft = Draft()  # edits of another user are not theirs to save
            who = self.session.display_name or username
            self.notify(f"Signed in as {who}; the previous user's edits were dropped.")
        elif self.draft.dirty:
            self.notify("Signed in again; your edits are kept.")
        self.username = username
        self.load()

    def action_security(self) -> None:
        from cogtui.screens.security import SecurityScreen

        self.app.push_screen(SecurityScreen(self.session))

    def action_sign_out(self) -> None:
        modal = SignOutModal(self.session, unsaved=len(self.draft.changes()))
        self.app.push_screen(modal, self.signed_out)

    def signed_out(self, signed_out: bool | None) -> None:
        if signed_out:
            self.post_message(self.SignedOut())
