"""Widgets of the profile editor."""
