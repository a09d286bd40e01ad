"""Widgets of our own, built on Textual's public API."""
