"""newsroom as a git citizen: commits for sign-off actions, sync, history.

When the library (``drafts/``) lies inside a git work tree, sign-off actions
are recorded as commits of that release's bundle, ``sync`` pulls (rebase) and
pushes, and a release's history merges its commits with its events. Outside a
work tree, or without ``git`` on PATH, every function here is a quiet no-op
(``find_repo`` returns None) and nothing mentions git.

We run the user's own ``git`` (their credentials, hooks and signing set-up),
always as an argument list, never through a shell, with an explicit working
folder and literal pathspecs. Core package: no Textual, no Rich.

- ``run``: running git, its errors, reading a blob.
- ``repo``: the work tree holding a library, and ``[git]`` in newsroom.toml.
- ``commits``: sign-off actions recorded as commits (``record_action``, ``record_save``).
- ``history``: a release's events, approvals and commits as one history.
- ``pending``: uncommitted changes, and committing them before a sync.
- ``conflicts``: the rebase of a sync, its conflicts resolved or the rebase undone.
- ``sync``: pull (rebase) and push (``sync``), and what arrived.
"""
