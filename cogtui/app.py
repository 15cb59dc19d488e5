"""The Textual app: opens the keyring and the session off the first frame, then a screen.

Kept small on purpose: the work lives in `screens/` and in the domain modules. The first
frame needs none of the screens: they are imported by the worker that opens the session,
while the first frame is drawn and the keyring answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from cogtui.app_base import AppBase
from cogtui.config import Settings
from cogtui.display import shown
from cogtui.errors import CogtuiError
from cogtui.screens.background import run_blocking

if TYPE_CHECKING:  # the session's modules load in the worker, off the first frame
    from cogtui.cognito import User
    from cogtui.session import Session
    from cogtui.vault import SecretStore


@dataclass(frozen=True)
class Opened:
    """What opening the stored session found: signed in or not, and the attributes."""

    resumed: bool
    first: User | CogtuiError | None = None


class CogtuiApp(AppBase):
    """Sign in to a Cognito user pool and edit your own profile."""

    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    TITLE = "cogtui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        store: SecretStore | None = None,
        demo_credentials: tuple[str, str] | None = None,
        notice: str | None = None,
        session: Session | None = None,
        theme_file: Path | None = None,
    ) -> None:
        """`theme_file`: the config file the chosen theme is kept in (the editor's own
        runs; `settings.theme` was read from it); None keeps the theme for this run only
        (the demo, tests)."""
        super().__init__()
        self.theme_file = theme_file
        if theme_file is not None and settings.theme in self.available_themes:
            self.theme = settings.theme
        self.settings = settings
        self.store = store
        self.demo_credentials = demo_credentials
        self.notice = notice
        self.session = session
        self.sub_title = settings.user_pool_id
        self.keyring_problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        pool = shown(self.settings.user_pool_id)
        yield Static(f"Connecting to {pool}…", id="starting", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.theme_file is not None:
            self.theme_changed_signal.subscribe(self, self.keep_theme)
        # After the first frame: the worker's imports would hold the interpreter meanwhile.
        self.call_after_refresh(self.open_in_background)

    def open_in_background(self) -> None:
        run_blocking(
            self,
            "Opening your stored session",
            self.open_session,
            self.opened,
            self.not_opened,
            group="start",
        )

    def open_session(self) -> Opened:
        """Open the keyring, pick up stored tokens (refreshing them if due) and read the
        attributes, all while the first frame waits: nothing else holds the interpreter, so
        the request is not slowed by the profile screen being styled."""
        import cogtui.screens.profile
        import cogtui.screens.sign_in  # noqa: F401  (imported here: off the first frame)

        if self.session is None:
            self.session = self._new_session()
        if not self.session.resume():
            return Opened(resumed=False)
        try:
            return Opened(resumed=True, first=self.session.get_user())
        except CogtuiError as error:  # the profile screen says it, and r tries again
            return Opened(resumed=True, first=error)

    def opened(self, opened: Opened) -> None:
        if opened.resumed:
            self.show_profile(opened.first)
        else:
            self.show_sign_in()

    def not_opened(self, error: CogtuiError) -> None:
        self.keyring_problem = str(error)
        if self.session is None:  # no keyring at all: sign-in will say so
            from cogtui.session import Session
            from cogtui.vault import MemoryStore, Vault

            s = self.settings
            self.session = Session(s, Vault(MemoryStore(), s.user_pool_id, s.client_id))
        self.show_sign_in()

    def _new_session(self) -> Session:
        from cogtui.session import Session
        from cogtui.vault import MemoryStore, Vault, system_store

        s = self.settings
        store = self.store
        if store is None:
            store = system_store() if s.use_keyring else MemoryStore()
        return Session(s, Vault(store, s.user_pool_id, s.client_id))

    def keep_theme(self, theme: object) -> None:
        from cogtui.config import remember_theme

        assert self.theme_file is not None
        try:
            remember_theme(self.theme_file, self.theme)
        except CogtuiError as error:
            self.notify(str(error), severity="warning")

    # -- where the user is --------------------------------------------------------------
    def show_sign_in(self) -> None:
        """Back to the first screen, then the sign-in screen (start-up and sign-out)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        assert self.session is not None
        from cogtui.screens.sign_in import SignInScreen

        screen = SignInScreen(
            self.session,
            demo_credentials=self.demo_credentials,
            notice=self.notice,
            problem=self.keyring_problem,
        )
        self.push_screen(screen, self._signed_in)

    def _signed_in(self, username: str | None) -> None:
        if username:
            self.show_profile()

    def on_profile_screen_signed_out(self) -> None:
        self.show_sign_in()

    def on_security_screen_signed_out(self) -> None:
        self.show_sign_in()

    def show_profile(self, first: User | CogtuiError | None = None) -> None:
        assert self.session is not None
        from cogtui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(self.session, first))

    # -- app-wide keys ------------------------------------------------------------------
    def action_help(self) -> None:
        from cogtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            s = self.session
            in_memory = s.vault.in_memory if s else not self.settings.use_keyring
            self.push_screen(HelpScreen(in_memory, self.theme_file))

    async def action_quit(self) -> None:
        """Quit, asking first when the profile has unsaved edits."""
        from cogtui.screens.confirm import ConfirmModal
        from cogtui.screens.profile import ProfileScreen

        if isinstance(self.screen, ConfirmModal):
            return  # the question is already on screen
        profile = next((s for s in self.screen_stack if isinstance(s, ProfileScreen)), None)
        if profile is None or not profile.draft.dirty:
            self.exit()
            return
        count = len(profile.draft.changes())
        question = ConfirmModal.losing_edits("Quit with unsaved edits?", count, "Quit")
        self.push_screen(question, lambda quit_: self.exit() if quit_ else None)
