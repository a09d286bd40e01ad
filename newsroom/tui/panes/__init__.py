"""The editor's panes: drafting, quotes, attribution, approval, preview."""
