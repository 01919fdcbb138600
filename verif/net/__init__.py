"""net family tests."""
