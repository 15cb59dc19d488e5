"""The fault suite: hostile servers and hostile data, asserting what the user sees."""
