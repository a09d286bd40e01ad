"""Sign-off and save commits from the TUI.

The action is already saved when we get here; committing it is a bonus that
must never crash or block the app. newsroom.git runs git in a thread worker (one
commit at a time: git's index lock allows no more), and a refusal becomes a
notice. Outside a git work tree newsroom.git does nothing and nothing is shown.
"""

from __future__ import annotations

import threading

from textual.app import App
from textual.worker import Worker

# Two quick actions in a row must not race for git's index lock.
_ONE_AT_A_TIME = threading.Lock()


def commit_in_background(
    app: App,
    slug: str,
    action: str,
    digest: str = "",
    *,
    approved_by: str | None = None,
    save: bool = False,
    recorded_by: str | None = None,
    via: str = "",
) -> Worker[str | None] | None:
    """Commit ``slug``'s bundle after ``action`` (``save``: only if commit_on_save)."""
    library = getattr(app, "library", None)
    if library is None:
        return None

    def tell(message: str, severity: str = "information") -> None:
        try:
            app.call_from_thread(app.notify, message, severity=severity, markup=False)
        except RuntimeError:  # the app closed meanwhile; the files are saved anyway
            pass

    def run() -> str | None:
        from ..git.commits import record_action, record_save
        from ..git.run import GitError

        with _ONE_AT_A_TIME:
            try:
                if save:
                    commit = record_save(library, slug, digest, action=action)
                else:
                    commit = record_action(
                        library,
                        slug,
                        action,
                        digest,
                        approved_by=approved_by,
                        recorded_by=recorded_by,
                        via=via,
                    )
            except GitError as error:
                tell(f"Saved, but not committed: {error}", "warning")
                return None
            except Exception as error:  # noqa: BLE001 - a commit must never take the app down
                tell(f"Saved, but not committed: {error}", "warning")
                return None
        if commit:
            tell(f"Committed {commit[:7]} ({action} {slug}).")
        return commit

    # On the app, not the screen: leaving the editor must not cut a commit short.
    return app.run_worker(
        run, name=f"commit {action} {slug}", group="git-commit", thread=True, exit_on_error=False
    )
