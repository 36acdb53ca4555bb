"""Hostile and broken inputs (issue 9): every bad input ends in a clear error, never a crash or a leak."""
