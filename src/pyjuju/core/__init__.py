"""Vocabulary shared by every layer: names, life, status values, the error root.

Pure values and validation only; imports nothing from pyjuju and no I/O library.
"""
