"""Paths and settings, readable without Qt."""
