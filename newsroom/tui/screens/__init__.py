"""Screens and modal dialogs of the newsroom app."""
