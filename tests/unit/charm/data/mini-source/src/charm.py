#!/usr/bin/env python3
"""Placeholder charm code: the packer only copies it and makes it executable."""
