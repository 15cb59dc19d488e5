"""Screens and modals of the profile editor, one idea per file."""
